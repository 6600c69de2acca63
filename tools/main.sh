#!/usr/bin/env bash
# The main job: set up, build in release mode, run the 120-account reference scenario, print its
# report, verify the log it wrote and write the HTML report (.build/reports/org-120-jml.html).
# Extra arguments go to `accesslab run` (e.g. --json, --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
swift build -c release --product accesslab
db="$(mktemp -d)/org-120-jml"
.build/release/accesslab run scenarios/org-120-jml.yaml --db "$db" "$@"
.build/release/accesslab verify --db "$db"
mkdir -p .build/reports
.build/release/accesslab report --db "$db" --out .build/reports/org-120-jml.html
rm -rf "$db"
