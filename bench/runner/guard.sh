#!/usr/bin/env bash
# The guard's cost per input, in instructions (callgrind, deterministic, so
# machine load does not matter): internal/coverage's TestGuard builds
# testdata/guardmod with the guard's overlay and keeps the binary
# (FUZZRUN_GUARD_BIN), whose TestGuardCount runs one input N times through
# the wrapper. Each case runs with N=1000 and N=3000; the difference over
# 2000 is the cost of one input, start-up cancelled out.
#
#   bench/runner/guard.sh
#
# Cases: plain (the fuzz function alone, a clean input), clean (the same
# through the guard), panic (a panic whose signature is known, skipped),
# fatal (a known t.Fatalf, skipped; run in its own goroutine, as t.Fatalf
# ends it) and plaingoro (plain, in its own goroutine: fatal's baseline).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/guard-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
FUZZRUN_GUARD_BIN=$tmp/g.test go test -count=1 -run '^TestGuard$' ./internal/coverage >/dev/null
count() { # case n -> instructions
	for try in 1 2 3; do # Go under valgrind now and then dies of a signal
		out=$(GUARD_N=$2 GUARD_CASE=$1 FUZZRUN_KNOWN=$tmp/known GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 \
			valgrind --tool=callgrind --callgrind-out-file=/dev/null "$tmp/g.test" -test.run='^TestGuardCount$' 2>&1) || true
		if ! grep -q '^PASS$' <<<"$out"; then
			grep -q 'Collected' <<<"$out" && { echo "case $1 failed:" >&2; echo "$out" >&2; exit 1; }
			continue
		fi
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$out"
		return
	done
	echo "callgrind failed on case $1" >&2
	exit 1
}
printf '%-10s %s\n' case instructions/input
for c in plain clean panic fatal plaingoro; do
	a=$(count $c 1000)
	b=$(count $c 3000)
	printf '%-10s %d\n' $c $(((b - a) / 2000))
done
