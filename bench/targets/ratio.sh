#!/usr/bin/env bash
# bench/targets/ratio.sh: the execution rate of each slow suite target as a
# fraction of a decode-only harness of the same library (#14 item 6), both
# fuzzed at the same time (same load) with one worker and
# -fuzzminimizetime=0, rates over the fuzzing seconds after the baseline
# coverage pass (bench/dns/rate.awk). See BENCHMARKS.md "Speed per target".
#
# Usage: ratio.sh OUTDIR [SECS]   (SECS per pair, default 30; prints a TSV:
#   target, execs/s, baseline, execs/s, ratio)
# ONLY=REGEXP runs the pairs whose target matches.
# BINDIR=DIR reuses test binaries built there (e.g. of an older commit):
# DIR/{dns,dhcp,ntp}.test for the targets; the baselines are built from
# this tree.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$1
SECS=${2:-30}
mkdir -p "$OUT"
BINDIR=${BINDIR:-$OUT/bin}
mkdir -p "$BINDIR" "$OUT/base"
for p in dns dhcp ntp; do
	[ -x "$BINDIR/$p.test" ] || (cd "$ROOT/fuzz/$p" && go test -c -o "$BINDIR/$p.test" .)
done
(cd "$ROOT/bench/dns/baseline" && go test -c -o "$OUT/base/dns.test" .)
(cd "$ROOT/bench/dhcp/baseline" && go test -c -o "$OUT/base/dhcp.test" .)
(cd "$ROOT/bench/ntp/naive" && go test -c -o "$OUT/base/ntp.test" .)

fuzz() { # BIN DIR TARGET LOG
	rm -rf "$4.cache"
	(cd "$2" && "$1" -test.run='^$' -test.fuzz="^$3\$" -test.fuzztime="${SECS}s" -test.parallel=1 \
		-test.fuzzminimizetime=0 -test.fuzzcachedir="$4.cache" >"$4" 2>&1) || true
}

uptime >"$OUT/load.txt"
printf 'target\texecs/s\tbaseline\texecs/s\tratio\n'
while read -r p target base; do
	[[ $target =~ ${ONLY:-.} ]] || continue
	basedir=$ROOT/bench/$p/baseline
	[ "$p" = ntp ] && basedir=$ROOT/bench/ntp/naive
	fuzz "$BINDIR/$p.test" "$ROOT/fuzz/$p" "$target" "$OUT/$target.log" &
	fuzz "$OUT/base/$p.test" "$basedir" "$base" "$OUT/$base.log" &
	wait
	t=$(awk -f "$ROOT/bench/dns/rate.awk" "$OUT/$target.log" | cut -d' ' -f3)
	b=$(awk -f "$ROOT/bench/dns/rate.awk" "$OUT/$base.log" | cut -d' ' -f3)
	printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$t" "$base" "$b" "$(awk -v t="$t" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? t / b : 0) }')"
done <<'LIST'
dns FuzzWire FuzzNaiveUnpack
dhcp FuzzV4Wire FuzzNaiveV4
ntp FuzzPacket FuzzNaivePacket
ntp FuzzControl FuzzNaiveControl
LIST
uptime >>"$OUT/load.txt"
