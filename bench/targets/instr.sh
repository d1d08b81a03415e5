#!/usr/bin/env bash
# bench/targets/instr.sh: instructions per input of a benchmark over its
# corpus, counted by callgrind (deterministic, unlike ns/op on a loaded
# machine): (I(N inputs) - I(1 input)) / (N - 1), so process start and the
# corpus load cancel out. See BENCHMARKS.md "Speed per target".
#
# Usage: instr.sh TESTBIN PKGDIR BENCH N
#   e.g. instr.sh /tmp/dns.test fuzz/dns BenchmarkWire 2364
# The binary must be built with CGO_ENABLED=0 (callgrind cannot follow the
# cgo runtime); async preemption is turned off for the same reason.
set -euo pipefail
BIN=$1 DIR=$2 BENCH=$3 N=$4
count() {
	(cd "$DIR" && GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$BIN" -test.run='^$' -test.bench="^$BENCH\$" \
		-test.benchtime="${1}x" 2>&1) | awk '/Collected :/ { print $NF }'
}
one=$(count 1)
many=$(count "$N")
awk -v a="$one" -v b="$many" -v n="$N" 'BEGIN { printf "%.0f\n", (b - a) / (n - 1) }'
