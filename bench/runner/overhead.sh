#!/usr/bin/env bash
# Runner overhead: total executions of one target fuzzed for 60 s by
# `fuzzrun run` against plain `go test -fuzz` for 60 s, both with one worker
# and -fuzzminimizetime=0, both starting from the seed corpus alone (a fresh
# work directory for fuzzrun; a fresh -test.fuzzcachedir for go test, passed
# after -args, where it overrides the one go test sets). Runs alternate
# A B B A so drift in machine load hits both sides alike.
#
#   bench/runner/overhead.sh [TARGET_PKG] [TARGET] [SECONDS]
#
# Run it from a clean checkout (for example `git archive HEAD | tar -x -C DIR`)
# so that work in progress elsewhere in the tree cannot break the build.
# Prints one line per run and the ratio of the totals (goal: >= 0.95).
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=${1:-./fuzz/dns}
name=${2:-FuzzWire}
secs=${3:-60}
tmp=$(mktemp -d /tmp/runner-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/fuzzrun" ./cmd/fuzzrun
# Warm the build cache with the instrumented build, so that each side's
# 60 s are fuzzing, not compiling.
go test -c -fuzz=. -o "$tmp/warm.test" "$pkg"

# last_execs prints the execs of the last "fuzz: elapsed" line of a log.
last_execs() { grep -o 'execs: [0-9]*' "$1" | tail -1 | grep -o '[0-9]*'; }

plain() {
	local log="$tmp/plain-$1.log"
	go test -run='^$' -fuzz="^$name\$" -fuzztime="${secs}s" \
		-fuzzminimizetime=0 -parallel=1 "$pkg" -args -test.fuzzcachedir="$tmp/plaincache-$1" >"$log" 2>&1 || true
	last_execs "$log"
}

runner() {
	local wd="$tmp/wd-$1"
	"$tmp/fuzzrun" run -time "${secs}s" -jobs 1 -parallel 1 -minimize-time 0 -json \
		-workdir "$wd" "${pkg#./}:$name" >"$tmp/runner-$1.json" 2>"$tmp/runner-$1.log" || true
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["targets"][0]["execs"])' "$tmp/runner-$1.json"
}

p1=$(plain 1); echo "go test -fuzz  run 1: $p1 execs"
r1=$(runner 1); echo "fuzzrun run    run 1: $r1 execs"
r2=$(runner 2); echo "fuzzrun run    run 2: $r2 execs"
p2=$(plain 2); echo "go test -fuzz  run 2: $p2 execs"
python3 -c "import sys; p=int(sys.argv[1])+int(sys.argv[2]); r=int(sys.argv[3])+int(sys.argv[4]); print(f'total: go test {p}, fuzzrun {r}, ratio fuzzrun/go test = {r/p:.3f}')" "$p1" "$p2" "$r1" "$r2"
