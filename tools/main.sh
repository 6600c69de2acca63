#!/usr/bin/env bash
# The main job: set up, build in release mode, run the 120-account reference scenario, print its
# report, and verify the log it wrote. Extra arguments go to `accesslab run` (e.g. --json, --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
swift build -c release --product accesslab
db="$(mktemp -d)/org-120-jml"
.build/release/accesslab run scenarios/org-120-jml.yaml --db "$db" "$@"
.build/release/accesslab verify --db "$db"
rm -rf "$db"
