#!/usr/bin/env bash
# Regenerates the report figures the README shows (docs/): the reference scenario's HTML report and
# three of its charts as standalone SVG, and, given the directory of the README's experiment sweep,
# that sweep's report and two of its charts. A few seconds for the reference run; the sweep itself
# (README, "An experiment") takes about 4 minutes and is not run here.
#   bash tools/refresh-report-figures.sh [SWEEP_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product accesslab >/dev/null
bin=.build/release/accesslab
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs

# Copies one chart (<svg class="chart" id="ID" ...> .. </svg>) out of a report into its own file.
chart() {
    awk -v id="$2" 'index($0, "<svg class=\"chart\" id=\"" id "\"") == 1 { on = 1 } on { print } on && $0 == "</svg>" { exit }' "$1" > "$3"
    [ -s "$3" ] || { echo "no chart $2 in $1" >&2; exit 1; }
}

"$bin" run scenarios/org-120-jml.yaml --db "$tmp/org-120-jml" >/dev/null
# From inside the temporary directory, so that the page names the database `org-120-jml` and the
# committed file does not change from one refresh to the next.
root="$PWD"
(cd "$tmp" && "$root/$bin" report --db org-120-jml --out "$root/docs/org-120-jml-report.html")
chart docs/org-120-jml-report.html latency-cdf-persisting docs/org-120-jml-latency-cdf.svg
chart docs/org-120-jml-report.html latency-stages docs/org-120-jml-stages.svg
chart docs/org-120-jml-report.html worst-leaver-timeline docs/org-120-jml-worst-leaver.svg

if [ -n "${1:-}" ]; then
    "$bin" report --from-sweep "$1" --out docs/experiment-report.html
    chart docs/experiment-report.html latency-cdf-persisting docs/experiment-latency-cdf.svg
    chart docs/experiment-report.html latency-stages docs/experiment-stages.svg
fi
