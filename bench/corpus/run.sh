#!/usr/bin/env bash
# Corpus benchmarks (BENCHMARKS.md, "## Corpus"). Run from the module root:
#
#   bench/corpus/run.sh [WORKDIR]
#
# 1. pcap import: a 10 MiB and a 100 MiB synthetic capture (bench/corpus/
#    mkcapture) into an empty corpus, then each again (every payload a
#    duplicate, so no file writes: the streaming decode alone).
#    Peak RSS must not grow with the capture: it streams.
# 2. corpus minimize: 10,000 deterministic mutants of corpus/dns-wire
#    (bench/corpus/mutate) minimised against fuzz/dns FuzzWire; the command
#    itself checks that the kept set reaches the same statement coverage.
#
# CPU: about 1 core-minute on the project machine.
set -euo pipefail
work=${1:-$(mktemp -d /tmp/fuzzrun-bench-corpus.XXXXXX)}
mkdir -p "$work"
go build -o "$work/fuzzrun" ./cmd/fuzzrun
measure() { # label command...
	local label=$1
	shift
	/usr/bin/time -v "$@" >"$work/$label.out" 2>"$work/$label.time"
	cat "$work/$label.out"
	awk -v l="$label" -F': ' '
		/User time/ {u=$2} /System time/ {s=$2} /Elapsed/ {e=$2} /Maximum resident/ {r=$2}
		END {printf "%s: wall %s, cpu %.2fs (user %s + sys %s), peak RSS %.1f MiB\n", l, e, u+s, u, s, r/1024}' "$work/$label.time"
}

echo "== pcap import"
for mb in 10 100; do
	go run ./bench/corpus/mkcapture -mb "$mb" -o "$work/capture$mb.pcap"
	rm -rf "$work/import$mb"
	measure "import-$mb-MiB" "$work/fuzzrun" corpus import -o "$work/import$mb" "$work/capture$mb.pcap"
done
for mb in 10 100; do
	measure "reimport-$mb-MiB" "$work/fuzzrun" corpus import -o "$work/import$mb" "$work/capture$mb.pcap"
done

echo "== corpus minimize"
rm -rf "$work/min"
go run ./bench/corpus/mutate -format dns-wire -n 10000 -o "$work/min/corpus"
measure "minimize-10000" "$work/fuzzrun" corpus minimize -target 'fuzz/dns:FuzzWire$' -corpus "$work/min/corpus"
echo "entries left: $(ls "$work/min/corpus/dns-wire" | wc -l)"
