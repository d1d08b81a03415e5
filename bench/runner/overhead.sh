#!/usr/bin/env bash
# Runner overhead: total executions of one target fuzzed for 60 s by
# `fuzzrun run` against plain `go test -fuzz` for 60 s, both with one worker
# and -fuzzminimizetime=0, both starting from the seed corpus alone (a fresh
# work directory for fuzzrun; a fresh -test.fuzzcachedir for go test, passed
# after -args, where it overrides the one go test sets). Runs alternate
# A B B A ... so drift in machine load hits both sides alike.
#
#   [PAIRS=2] [KEEP=DIR] bench/runner/overhead.sh [TARGET_PKG] [TARGET] [SECONDS]
#
# Run it from a clean checkout (for example `git archive HEAD | tar -x -C DIR`)
# so that work in progress elsewhere in the tree cannot break the build.
# Prints per run the execs, the CPU seconds of the whole process tree
# (user+sys, from /usr/bin/time) and the load average before it, then the
# ratio of the totals (goal: >= 0.95) and of execs per CPU second, which is
# robust to other load on a shared machine. KEEP=DIR keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=${1:-./fuzz/dns}
name=${2:-FuzzWire}
secs=${3:-60}
pairs=${PAIRS:-2}
tmp=$(mktemp -d /tmp/runner-bench.XXXXXX)
trap '[ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$tmp"/*.log "$tmp"/*.json "$KEEP"/ 2>/dev/null; rm -rf "$tmp"' EXIT

go build -o "$tmp/fuzzrun" ./cmd/fuzzrun
# Warm the build cache with the instrumented build, so that each side's
# 60 s are fuzzing, not compiling.
go test -c -fuzz=. -o "$tmp/warm.test" "$pkg"

# cpu prints user+sys seconds from a /usr/bin/time -f '%U %S' file.
cpu() { tail -1 "$1" | awk '{print $1 + $2}'; }
load() { cut -d' ' -f1 /proc/loadavg; }

plain() {
	local log="$tmp/plain-$1.log"
	/usr/bin/time -f '%U %S' -o "$tmp/plain-$1.time" \
		go test -run='^$' -fuzz="^$name\$" -fuzztime="${secs}s" -fuzzminimizetime=0 -parallel=1 \
		"$pkg" -args -test.fuzzcachedir="$tmp/plaincache-$1" >"$log" 2>&1 || true
	echo "$(grep -o 'execs: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*') $(cpu "$tmp/plain-$1.time")"
}

runner() {
	/usr/bin/time -f '%U %S' -o "$tmp/runner-$1.time" \
		"$tmp/fuzzrun" run -time "${secs}s" -jobs 1 -parallel 1 -minimize-time 0 -json \
		-workdir "$tmp/wd-$1" "${pkg#./}:$name" >"$tmp/runner-$1.json" 2>"$tmp/runner-$1.log" || true
	echo "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["targets"][0]["execs"])' "$tmp/runner-$1.json") $(cpu "$tmp/runner-$1.time")"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runner_cpu_seconds"])' "$tmp/runner-$1.json" >"$tmp/runner-$1.self"
}

pe=0 pc=0 re=0 rc=0
for i in $(seq 1 "$pairs"); do
	for side in $( ((i % 2)) && echo "plain runner" || echo "runner plain"); do
		l=$(load)
		read -r e c < <($side "$i")
		printf '%-7s run %d: %9d execs, %6.1f CPU s, load before %s' "$side" "$i" "$e" "$c" "$l"
		[ "$side" = runner ] && printf ', fuzzrun itself %.2f CPU s' "$(cat "$tmp/runner-$i.self")"
		echo
		if [ "$side" = plain ]; then pe=$((pe + e)); pc=$(echo "$pc + $c" | bc); else re=$((re + e)); rc=$(echo "$rc + $c" | bc); fi
	done
done
python3 -c "
import sys
pe, pc, re, rc = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
print(f'total execs: go test -fuzz {pe}, fuzzrun run {re}; ratio fuzzrun/go test = {re/pe:.3f}')
print(f'execs per CPU second: go test -fuzz {pe/pc:.0f}, fuzzrun run {re/rc:.0f}; ratio = {(re/rc)/(pe/pc):.3f}')
" "$pe" "$pc" "$re" "$rc"
