#!/usr/bin/env bash
# Installs what AccessLab needs on a fresh Debian machine and is missing: LMDB's, zlib's and OpenSSL's libcrypto
# headers, jemalloc (the allocator the executable links) and pkg-config,
# and with --browser what the tests need besides: Debian's chromium, which renders the HTML report, and
# Python's venv, in which tools/interop.sh installs the interop suite's packages from PyPI.
# Uses sudo when not root. Swift itself must already be on PATH (it is on the project's machines).
set -euo pipefail

need=()
dpkg -s liblmdb-dev >/dev/null 2>&1 || need+=(liblmdb-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
dpkg -s libjemalloc-dev >/dev/null 2>&1 || need+=(libjemalloc-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${1:-}" = "--browser" ]; then
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v python3 >/dev/null 2>&1 || need+=(python3)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
fi

if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: swift is not on PATH; install a Swift 6.1 or newer toolchain (swift.org) and run this again" >&2
    exit 1
fi
