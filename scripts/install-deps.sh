#!/usr/bin/env bash
# Installs every Debian package tinyml's build and tests need (Debian 12).
# Idempotent; skips apt entirely when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev          # libFuzzer + sanitizers for the fuzz target
  flatbuffers-compiler libflatbuffers-dev
  libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsndfile1-dev libsamplerate0-dev libasound2-dev   # audio files, resampling, microphone
  libespeak-ng-dev espeak-ng-data flite1-dev wamerican  # training data: speech synthesis, word list
  sonic-pi-samples lmms-common freepats                 # training data: the noise and music the policy allows
  libtorch-dev                                          # training: libtorch (CPU)
  python3
  # Cortex-M cross build, QEMU, and what the instruction-counting plugin needs
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
  qemu-system-arm libglib2.0-dev xz-utils
  flac                                                  # decodes the demo recording for the firmware test
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The QEMU plugin header (tools/qemu_plugin) must match the installed
# qemu-system-arm, so it comes from Debian's source package of that exact
# version. Only qemu-plugin.h is kept, under build/cache (never committed).
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${TINYML_CACHE_DIR:-$repo/build/cache}/qemu-plugin"
qemu_version="$(dpkg-query -W -f='${Version}' qemu-system-arm | sed 's/+b[0-9]*$//')"
if [ -f "$cache/include/qemu-plugin.h" ] && [ "$(cat "$cache/version" 2>/dev/null)" = "$qemu_version" ]; then
  echo "install-deps: qemu-plugin.h for qemu $qemu_version present"
  exit 0
fi
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  echo "install-deps: adding Debian source indexes (deb-src) for apt-get source"
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
    $SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
  $SUDO apt-get update -qq
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq --download-only "qemu=$qemu_version")
tarball="$(ls "$work"/qemu_*.orig.tar.xz | head -n 1)"
tar -xJf "$tarball" -C "$work" --wildcards '*/include/qemu/qemu-plugin.h'
mkdir -p "$cache/include"
cp "$(find "$work" -name qemu-plugin.h | head -n 1)" "$cache/include/qemu-plugin.h"
echo "$qemu_version" >"$cache/version"
echo "install-deps: qemu-plugin.h for qemu $qemu_version in $cache/include"
