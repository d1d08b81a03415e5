#!/usr/bin/env bash
# bench/dns/table.sh WORK: the markdown table of a bench/dns/run.sh work
# dir. Fuzzing figures are (re)computed from the kept logs with rate.awk,
# coverage comes from results.tsv.
set -euo pipefail
WORK=$1
HERE=$(cd "$(dirname "$0")" && pwd)
echo "| target | kind | fuzzing s | execs | execs/s | miekg/dns coverage, seeds | after fuzzing |"
echo "|---|---|---|---|---|---|---|"
tail -n +2 "$WORK/results.tsv" | while IFS=$'\t' read -r t kind secs execs rate before after; do
	if [ -f "$WORK/log/$t.log" ]; then
		read -r execs secs rate < <(awk -f "$HERE/rate.awk" "$WORK/log/$t.log")
		if grep -q '^--- FAIL' "$WORK/log/$t.log"; then secs="$secs (stopped: finding)"; fi
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$kind" "$secs" "$execs" "$rate" "$before" "$after"
done
