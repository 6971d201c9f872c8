#!/usr/bin/env bash
# Installs what mcubench needs, only where it is missing: the Debian cross toolchains, the tools the tests
# use (espeak-ng, Chromium) and the Python package (with its native tracer) and its dependencies. Safe to
# run again; both README commands call it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v arm-none-eabi-gcc >/dev/null 2>&1 || missing+=(gcc-arm-none-eabi)
[ -e /usr/lib/arm-none-eabi/newlib/libc.a ] || missing+=(libnewlib-arm-none-eabi)
command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || missing+=(gcc-riscv64-unknown-elf)
# Firmware of your own (`mcubench platform`, `mcubench build` of sources): C++ library for Arm, picolibc
# for RV32 (Debian has no RV32 newlib), and the build tools the platform's Makefile and CMake files drive.
[ -e /usr/lib/arm-none-eabi/newlib/thumb/v7e-m+fp/hard/libstdc++_nano.a ] || missing+=(libstdc++-arm-none-eabi-newlib)
[ -e /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] || missing+=(picolibc-riscv64-unknown-elf)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
# The tests regenerate the keyword-spotting test set from its documented synthesis (espeak-ng 1.51).
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
# The report tests render report.html in headless Chromium (tests/browser.py drives it over a pipe).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]} with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `python3 -m pip` is the pip of whichever python3 comes first on PATH: an activated virtual environment's
# when there is one (.ci/run makes a fresh one), so the package and its test extra land there.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".[test]"
