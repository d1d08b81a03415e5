#!/usr/bin/env bash
# bench/dnswide/run.sh: execs/sec and coverage of issue #16's targets in
# fuzz/dns next to the fuzz tests of the library each one reaches into:
#
#   FuzzDifferential  with codeberg.org/miekg/dns's own FuzzMsgPack (msg_test.go),
#                     coverage of codeberg.org/miekg/dns
#   FuzzClientExchange, FuzzClientConfig: execs/sec and github.com/miekg/dns
#                     coverage (the library has no fuzz test of these paths)
#
#   bench/dnswide/run.sh             # SECS (default 60) per session
#
# Each pair runs at the same time (same load), nice'd, -parallel=1,
# -fuzzminimizetime=0, from an empty fuzz cache; execs/sec = total execs
# over the seconds fuzzed. The v2 module's test runs in a copy of the
# module at the version go.mod requires. Results: $WORK/results.tsv.
set -euo pipefail

SECS=${SECS:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/dnswidebench.XXXXXX)}
cd "$ROOT"
V2_VER=$(go list -m -f '{{.Version}}' codeberg.org/miekg/dns)
CACHE="$(go env GOCACHE)/fuzz"
mkdir -p "$WORK/log" "$WORK/cache" "$WORK/cov"
echo "bench/dnswide: work dir $WORK, codeberg.org/miekg/dns $V2_VER, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
V2="$WORK/v2"
rm -rf "$V2"
cp -r "$(go env GOMODCACHE)/codeberg.org/miekg/dns@$V2_VER" "$V2"
chmod -R u+w "$V2"

fuzz() { # DIR PKGPATH TARGET
	local dir=$1 pkgpath=$2 target=$3 log="$WORK/log/$3.log" f
	rm -rf "$CACHE/$pkgpath/$target"
	(cd "$dir" && nice -n 10 go test -run='^$' -fuzz="^$target\$" -fuzztime="${SECS}s" \
		-parallel=1 -fuzzminimizetime=0 . >"$log" 2>&1) || echo "bench/dnswide: $target stopped early (see $log)" >&2
	for f in "$dir/testdata/fuzz/$target"/*; do
		[ -e "$f" ] || continue
		mkdir -p "$ROOT/crashers/_incoming/$target"
		cp "$log" "$ROOT/crashers/_incoming/$target/$(basename "$f").log"
		mv "$f" "$ROOT/crashers/_incoming/$target/"
	done
	rm -rf "$WORK/cache/$target"
	if [ -d "$CACHE/$pkgpath/$target" ]; then mv "$CACHE/$pkgpath/$target" "$WORK/cache/$target"; else mkdir -p "$WORK/cache/$target"; fi
}

rate() {
	awk '/^fuzz: elapsed:/ && / execs: / {
		t=$3; sub(/,$/, "", t); s=0
		if (t ~ /h/) { split(t, h, "h"); s += h[1]*3600; t=h[2] }
		if (t ~ /m/) { split(t, m, "m"); s += m[1]*60; t=m[2] }
		sub(/s$/, "", t); s += t
		e=$5; gsub(/,/, "", e)
	} END { if (s > 0) printf "%d\t%d\t%.0f\n", e, s, e/s; else print "0\t0\t0" }' "$WORK/log/$1.log"
}

cover() { # NAME DIR AFTER COVERPKG TARGET
	local name=$1 dir=$2 after=$3 pkg=$4 t=$5
	if [ "$after" = 1 ]; then
		mkdir -p "$dir/testdata/fuzz/$t"
		cp "$WORK/cache/$t"/* "$dir/testdata/fuzz/$t/" 2>/dev/null || true
	fi
	(cd "$dir" && nice -n 10 go test -count=1 -run="^$t\$" -coverpkg="$pkg" \
		-coverprofile="$WORK/cov/$name.out" . >"$WORK/log/cover-$name.log" 2>&1) || echo "bench/dnswide: coverage run $name failed (see $WORK/log/cover-$name.log)" >&2
	rm -rf "$dir/testdata/fuzz/$t"
	rmdir "$dir/testdata/fuzz" 2>/dev/null || true
	go tool cover -func="$WORK/cov/$name.out" 2>/dev/null | awk '/^total:/ { print $3 }'
}

OURS="$ROOT/fuzz/dns"
MOD=github.com/daemonfuzz/daemonfuzz/fuzz/dns
fuzz "$OURS" $MOD FuzzDifferential &
fuzz "$V2" codeberg.org/miekg/dns FuzzMsgPack &
wait
fuzz "$OURS" $MOD FuzzClientExchange &
fuzz "$OURS" $MOD FuzzClientConfig &
wait
echo "bench/dnswide: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

printf 'target\texecs\tfuzz_s\texecs_per_s\tpackage\tcov_seeds\tcov_after\n' >"$WORK/results.tsv"
printf '%s\t%s\t%s\t%s\t%s\n' FuzzDifferential "$(rate FuzzDifferential)" codeberg.org/miekg/dns "$(cover d-s "$OURS" 0 codeberg.org/miekg/dns FuzzDifferential)" "$(cover d-a "$OURS" 1 codeberg.org/miekg/dns FuzzDifferential)" >>"$WORK/results.tsv"
printf '%s\t%s\t%s\t%s\t%s\n' "v2 FuzzMsgPack" "$(rate FuzzMsgPack)" codeberg.org/miekg/dns "$(cover v-s "$V2" 0 codeberg.org/miekg/dns FuzzMsgPack)" "$(cover v-a "$V2" 1 codeberg.org/miekg/dns FuzzMsgPack)" >>"$WORK/results.tsv"
for t in FuzzClientExchange FuzzClientConfig; do
	printf '%s\t%s\t%s\t%s\t%s\n' $t "$(rate $t)" github.com/miekg/dns "$(cover $t-s "$OURS" 0 github.com/miekg/dns $t)" "$(cover $t-a "$OURS" 1 github.com/miekg/dns $t)" >>"$WORK/results.tsv"
done
column -t -s "$(printf '\t')" "$WORK/results.tsv"
