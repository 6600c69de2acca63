#!/usr/bin/env bash
# The main job: set up, build in release mode, run the demonstration and print its report.
# (The 120-account reference scenario takes this place once `accesslab run` lands.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
swift build -c release --product accesslab
db="$(mktemp -d)/demo"
.build/release/accesslab demo --db "$db"
.build/release/accesslab verify --db "$db"
