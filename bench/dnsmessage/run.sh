#!/usr/bin/env bash
# bench/dnsmessage/run.sh: execs/sec and golang.org/x/net/dns/dnsmessage
# statement coverage of fuzz/dnsmessage's targets and of x/net's own
# FuzzUnpackPack (message_test.go), measured the same way in one run.
#
#   bench/dnsmessage/run.sh            # 2 rounds of SECS (default 300) seconds
#   SECS=20 bench/dnsmessage/run.sh    # smoke test of the script itself
#
# Round 1 fuzzes FuzzDNSMessageParser and x/net's FuzzUnpackPack at the same
# time (same load), round 2 FuzzDNSMessageBuilder and
# FuzzDNSMessageStructured. Every session: nice'd, -parallel=1 (one worker),
# -fuzzminimizetime=0, from an empty fuzz cache. execs/sec = total execs
# over the seconds fuzzed (the last "fuzz: elapsed" line). Coverage: the
# target's seeds ("seeds") and its seeds plus every input the session added
# to the fuzz cache ("after"), replayed with go test -coverpkg; "suite" is
# the union of the three daemonfuzz targets. x/net's test runs in a copy of
# the golang.org/x/net module at the version go.mod requires (go test -fuzz
# only fuzzes packages of the main module). Results: $WORK/results.tsv.
set -euo pipefail

SECS=${SECS:-300}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/dnsmsgbench.XXXXXX)}
PKG=golang.org/x/net/dns/dnsmessage
cd "$ROOT"
XNET_VER=$(go list -m -f '{{.Version}}' golang.org/x/net)
CACHE="$(go env GOCACHE)/fuzz"
mkdir -p "$WORK/log" "$WORK/cache" "$WORK/cov"
echo "bench/dnsmessage: work dir $WORK, x/net $XNET_VER, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The x/net copy.
XNET="$WORK/xnet"
rm -rf "$XNET"
cp -r "$(go env GOMODCACHE)/golang.org/x/net@$XNET_VER" "$XNET"
chmod -R u+w "$XNET"
(cd "$XNET" && go mod download >/dev/null 2>&1 || true)

# fuzz DIR PKGPATH TARGET: one session; the cache goes to $WORK/cache/TARGET.
fuzz() {
	local dir=$1 pkgpath=$2 target=$3 log="$WORK/log/$3.log"
	rm -rf "$CACHE/$pkgpath/$target"
	(cd "$dir" && nice -n 10 go test -run='^$' -fuzz="^$target\$" -fuzztime="${SECS}s" \
		-parallel=1 -fuzzminimizetime=0 . >"$log" 2>&1) || echo "bench/dnsmessage: $target stopped early (see $log)" >&2
	# A failure found while benchmarking goes to crashers/_incoming for
	# fuzzrun triage, never stays in testdata (it would fail go test).
	local f
	for f in "$dir/testdata/fuzz/$target"/*; do
		[ -e "$f" ] || continue
		mkdir -p "$ROOT/crashers/_incoming/$target"
		cp "$log" "$ROOT/crashers/_incoming/$target/$(basename "$f").log"
		mv "$f" "$ROOT/crashers/_incoming/$target/"
	done
	rm -rf "$WORK/cache/$target"
	if [ -d "$CACHE/$pkgpath/$target" ]; then mv "$CACHE/$pkgpath/$target" "$WORK/cache/$target"; else mkdir -p "$WORK/cache/$target"; fi
}

# rate TARGET: "execs seconds execs/s" from the last progress line.
rate() {
	awk '/^fuzz: elapsed:/ && / execs: / {
		t=$3; sub(/,$/, "", t); s=0
		if (t ~ /h/) { split(t, h, "h"); s += h[1]*3600; t=h[2] }
		if (t ~ /m/) { split(t, m, "m"); s += m[1]*60; t=m[2] }
		sub(/s$/, "", t); s += t
		e=$5; gsub(/,/, "", e)
	} END { if (s > 0) printf "%d\t%d\t%.0f\n", e, s, e/s; else print "0\t0\t0" }' "$WORK/log/$1.log"
}

# cover NAME DIR AFTER TARGET...: coverage of $PKG by the targets' seeds,
# plus (AFTER=1) their fuzz caches copied into a scratch testdata/fuzz.
cover() {
	local name=$1 dir=$2 after=$3; shift 3
	local t run=""
	for t in "$@"; do
		run="$run|$t"
		if [ "$after" = 1 ]; then
			mkdir -p "$dir/testdata/fuzz/$t"
			cp "$WORK/cache/$t"/* "$dir/testdata/fuzz/$t/" 2>/dev/null || true
		fi
	done
	(cd "$dir" && nice -n 10 go test -count=1 -run="^(${run#|})\$" -coverpkg=$PKG \
		-coverprofile="$WORK/cov/$name.out" . >"$WORK/log/cover-$name.log" 2>&1) || echo "bench/dnsmessage: coverage run $name failed (see $WORK/log/cover-$name.log)" >&2
	for t in "$@"; do rm -rf "$dir/testdata/fuzz/$t"; done
	rmdir "$dir/testdata/fuzz" "$dir/testdata" 2>/dev/null || true
	go tool cover -func="$WORK/cov/$name.out" 2>/dev/null | awk '/^total:/ { print $3 }'
}

OURS="$ROOT/fuzz/dnsmessage"
THEIRS="$XNET/dns/dnsmessage"
fuzz "$OURS" github.com/daemonfuzz/daemonfuzz/fuzz/dnsmessage FuzzDNSMessageParser &
fuzz "$THEIRS" golang.org/x/net/dns/dnsmessage FuzzUnpackPack &
wait
echo "bench/dnsmessage: round 1 done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
fuzz "$OURS" github.com/daemonfuzz/daemonfuzz/fuzz/dnsmessage FuzzDNSMessageBuilder &
fuzz "$OURS" github.com/daemonfuzz/daemonfuzz/fuzz/dnsmessage FuzzDNSMessageStructured &
wait
echo "bench/dnsmessage: round 2 done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

printf 'target\texecs\tfuzz_s\texecs_per_s\tcov_seeds\tcov_after\n' >"$WORK/results.tsv"
for t in FuzzDNSMessageParser FuzzDNSMessageBuilder FuzzDNSMessageStructured; do
	printf '%s\t%s\t%s\t%s\n' "$t" "$(rate $t)" "$(cover $t-seeds "$OURS" 0 $t)" "$(cover $t-after "$OURS" 1 $t)" >>"$WORK/results.tsv"
done
printf 'suite\t-\t-\t-\t%s\t%s\n' "$(cover suite-seeds "$OURS" 0 FuzzDNSMessageParser FuzzDNSMessageBuilder FuzzDNSMessageStructured)" \
	"$(cover suite-after "$OURS" 1 FuzzDNSMessageParser FuzzDNSMessageBuilder FuzzDNSMessageStructured)" >>"$WORK/results.tsv"
printf '%s\t%s\t%s\t%s\n' "x/net FuzzUnpackPack" "$(rate FuzzUnpackPack)" "$(cover FuzzUnpackPack-seeds "$THEIRS" 0 FuzzUnpackPack)" "$(cover FuzzUnpackPack-after "$THEIRS" 1 FuzzUnpackPack)" >>"$WORK/results.tsv"
column -t -s "$(printf '\t')" "$WORK/results.tsv"
