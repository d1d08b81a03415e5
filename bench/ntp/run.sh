#!/usr/bin/env bash
# bench/ntp/run.sh: the NTP numbers in BENCHMARKS.md "## NTP".
#
#  1. execs/sec of every fuzz/ntp target over EXEC_SECS (default 20 s);
#  2. statement coverage of every facebook/time NTP package and of
#     beevik/ntp: each target's seeds alone, and for the main targets
#     (FuzzPacket, FuzzClient) after COV_SECS (default 300 s) of fuzzing,
#     against the naive "decode only, no seeds" harnesses of
#     bench/ntp/naive and facebook/time's own fuzz tests
#     (bench/ntp/baseline/upstream.sh), all measured the same way.
#
# Every fuzzing run: one worker (-parallel=1), -fuzzminimizetime=0, nice 19,
# a fresh -test.fuzzcachedir so it starts from its seeds only. Coverage: the
# seeds plus the cache entries a run found, replayed by a binary built with
# go test -c -cover -coverpkg, measured with go tool covdata percent.
# CPU: about 12*EXEC_SECS + 5*COV_SECS seconds of one core (~29 min).
#
# Usage: bench/ntp/run.sh [OUTDIR]   (results: OUTDIR/results.md)
set -euo pipefail
ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$ROOT"
OUT=${1:-/tmp/ntpbench}
EXEC_SECS=${EXEC_SECS:-20}
COV_SECS=${COV_SECS:-300}
export NICE="nice -n 19"
source bench/ntp/lib.sh
mkdir -p "$OUT"
rm -rf "$OUT/exec-cache"

FB=github.com/facebook/time/ntp
PKGS=($FB/protocol $FB/protocol/nts $FB/ntske $FB/chrony $FB/control $FB/responder/server github.com/beevik/ntp)
COVERPKG=$(IFS=,; echo "${PKGS[*]}")
TARGETS=$(go test -list 'Fuzz.*' ./fuzz/ntp | grep '^Fuzz')

fuzz() { # fuzz PKGDIR TARGET SECS CACHE LOG
	$NICE go test -run='^$' -fuzz="^$2\$" -fuzztime="$3s" -parallel=1 -fuzzminimizetime=0 "$1" \
		-args -test.fuzzcachedir="$4" >"$5" 2>&1 || true
}

echo "== execs/sec (${EXEC_SECS}s each)"
: >"$OUT/execs.tsv"
for t in $TARGETS; do
	fuzz ./fuzz/ntp "$t" "$EXEC_SECS" "$OUT/exec-cache" "$OUT/exec-$t.log"
	printf '%s\t%s\n' "$t" "$(execs_per_sec "$OUT/exec-$t.log")" | tee -a "$OUT/execs.tsv"
done

echo "== coverage binaries"
go test -c -cover -coverpkg="$COVERPKG" -o "$OUT/ntp.cover" ./fuzz/ntp
go test -c -cover -coverpkg="$COVERPKG" -o "$OUT/naive.cover" ./bench/ntp/naive

echo "== seeds alone, every target"
for t in $TARGETS; do
	rm -rf "$OUT/seeds-$t"
	replay "$OUT/ntp.cover" "$t" "" "$OUT/seeds-$t"
done
for t in FuzzNaivePacket FuzzNaiveClient FuzzNaiveChrony FuzzNaiveControl FuzzNaiveNTSKERecords; do
	rm -rf "$OUT/seeds-$t"
	replay "$OUT/naive.cover" "$t" "" "$OUT/seeds-$t"
done

echo "== ${COV_SECS}s runs"
for pair in "./fuzz/ntp FuzzPacket ntp.cover" "./bench/ntp/naive FuzzNaivePacket naive.cover" \
	"./fuzz/ntp FuzzClient ntp.cover" "./bench/ntp/naive FuzzNaiveClient naive.cover"; do
	set -- $pair
	rm -rf "$OUT/cov-cache-$2" "$OUT/after-$2"
	fuzz "$1" "$2" "$COV_SECS" "$OUT/cov-cache-$2" "$OUT/cov-$2.log"
	replay "$OUT/$3" "$2" "$OUT/cov-cache-$2/$2" "$OUT/after-$2"
	echo "$2 done: $(execs_per_sec "$OUT/cov-$2.log") execs/sec"
done

echo "== facebook/time's own fuzz tests"
bench/ntp/baseline/upstream.sh "$OUT" "$COV_SECS"

echo "== results"
{
	echo "| target | package | seeds only | after ${COV_SECS}s |"
	echo "|---|---|---|---|"
	for t in $TARGETS FuzzNaivePacket FuzzNaiveClient FuzzNaiveChrony FuzzNaiveControl FuzzNaiveNTSKERecords; do
		for p in "${PKGS[@]}"; do
			s=$(percent "$OUT/seeds-$t" "$p")
			a=-
			[ -d "$OUT/after-$t" ] && a=$(percent "$OUT/after-$t" "$p")%
			[ "$s" = 0.0 ] && [ "$a" = - ] && continue
			echo "| $t | ${p#github.com/} | $s% | $a |"
		done
	done
	all=$(for t in $TARGETS; do printf '%s,' "$OUT/seeds-$t"; done)
	for p in "${PKGS[@]}"; do
		echo "| all fuzz/ntp targets, seeds | ${p#github.com/} | $(percent "${all%,}" "$p")% | - |"
	done
	while IFS=$'\t' read -r t p s a r; do
		echo "| upstream $t | ${p#github.com/} | $s% | $a% ($r execs/s) |"
	done <"$OUT/upstream.tsv"
	echo
	echo "| target | execs/sec |"
	echo "|---|---|"
	while IFS=$'\t' read -r t r; do echo "| $t | $r |"; done <"$OUT/execs.tsv"
} | tee "$OUT/results.md"
