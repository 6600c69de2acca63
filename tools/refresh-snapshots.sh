#!/usr/bin/env bash
# Regenerates the golden snapshots in snapshots/ from the committed scenarios. Run it when a change
# to the model or the formats is intended, and say so in the commit; SnapshotGoldenTests require
# byte equality with what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product accesslab >/dev/null
bin=.build/debug/accesslab
db="$(mktemp -d)/tiny"
"$bin" run scenarios/tiny.yaml --db "$db" >/dev/null
for at in +2d +9d12h; do
  name="tiny-seed1-at${at#+}"
  "$bin" snapshot --db "$db" --at "$at" --out "snapshots/$name.json"
  "$bin" snapshot --db "$db" --at "$at" --format aws --out "snapshots/$name.aws"
done
rm -rf "$db"
ls -l snapshots/
