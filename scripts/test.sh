#!/usr/bin/env bash
# Builds the host-debug preset (ASan + UBSan) and runs every test, then the
# Cortex-M presets: cross build, freestanding check, and the device tests
# (unit checks + every ../shared conformance case) inside qemu-system-arm.
# Conformance tests read ../shared when it exists and skip, saying so, when not.
# TINYML_TEST_CORES="cortex-m4" limits the cores (default: all four).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug
ctest --preset host-debug "$@"

for core in ${TINYML_TEST_CORES:-cortex-m4 cortex-m7 cortex-m33 cortex-m55}; do
  echo "== $core (QEMU)"
  cmake --preset "$core" >/dev/null
  cmake --build --preset "$core"
  ctest --preset "$core"
done
