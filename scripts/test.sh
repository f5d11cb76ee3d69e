#!/usr/bin/env bash
# Builds the host-debug preset (ASan + UBSan) and runs every test.
# Conformance tests read ../shared when it exists and skip, saying so, when not.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug
ctest --preset host-debug "$@"
