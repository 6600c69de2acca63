#!/usr/bin/env bash
# Set up and run the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --browser
swift build --build-tests
swift test --skip-build
bash tools/interop.sh
