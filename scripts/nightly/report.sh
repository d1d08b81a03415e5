#!/usr/bin/env bash
# report.sh: the crash reports (JSON, SARIF, Markdown and the web page with
# each target's stats) into reports/, with the night's new or changed crash
# store entries under reports/crashers/; the Markdown goes to the job summary.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

rm -rf reports
mkdir -p reports
fuzzrun report -format json -o reports/crashes.json
fuzzrun report -format sarif -o reports/crashes.sarif
fuzzrun report -format md -o reports/crashes.md
fuzzrun report -html reports/html
while read -r entry; do
	mkdir -p "reports/$(dirname "$entry")"
	cp -a "$entry" "reports/$entry"
done < <(changed_entries)
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
	cat reports/crashes.md >>"$GITHUB_STEP_SUMMARY"
fi
