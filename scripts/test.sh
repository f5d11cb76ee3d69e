#!/usr/bin/env bash
# Builds the host-debug preset (ASan + UBSan) and runs every test, then the
# Cortex-M presets: cross build, freestanding check, and the device tests
# (unit checks + every ../shared conformance case) inside qemu-system-arm.
# Conformance tests read ../shared when it exists and skip, saying so, when not.
# Each core twice: the reference kernels (preset cortex-mN) and the optimized
# kernels of src/kernels/cortex_m (preset cortex-mN-opt: the same conformance
# cases plus the on-device kernel battery).
# TINYML_TEST_CORES="cortex-m4" limits the cores (default: all four),
# TINYML_TEST_KERNELS="cortex_m" the kernel sets (default: "ref cortex_m").
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug
ctest --preset host-debug "$@"

for core in ${TINYML_TEST_CORES:-cortex-m4 cortex-m7 cortex-m33 cortex-m55}; do
  for kernels in ${TINYML_TEST_KERNELS:-ref cortex_m}; do
    preset="$core"
    [ "$kernels" = cortex_m ] && preset="$core-opt"
    echo "== $core, $kernels kernels (QEMU)"
    # The host build's tinyml embeds the bundled model into a firmware
    # (examples/wake_word_m4: wake_word_m4_flash).
    cmake --preset "$preset" -DTINYML_HOST_TINYML="$PWD/build/host-debug/tinyml" >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset"
  done
done
