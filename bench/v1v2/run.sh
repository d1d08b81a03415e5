#!/usr/bin/env bash
# bench/v1v2/run.sh: execs/sec and coverage of fuzz/dns's FuzzTextDifferential
# (the same zone text through miekg/dns v1's and v2's zone parsers, issue
# #16 item 2) next to codeberg.org/miekg/dns's own zone-text fuzz test,
# FuzzNew (parse_test.go), run at the same time (same load):
#
#   bench/v1v2/run.sh             # SECS (default 300) per session
#
# Each session: nice'd, -parallel=1, -fuzzminimizetime=0, from an empty
# fuzz cache; execs/sec = total execs over the seconds fuzzed. Coverage:
# go test -run=^X$ -coverpkg=github.com/miekg/dns,codeberg.org/miekg/dns
# over the target's seeds, then its seeds plus the session's fuzz cache
# copied into testdata/fuzz; each package's share is read from the one
# profile. The v2 module's test runs in a copy of the module at the version
# go.mod requires. Results: $WORK/results.tsv.
set -euo pipefail

SECS=${SECS:-300}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/v1v2bench.XXXXXX)}
cd "$ROOT"
V2_VER=$(go list -m -f '{{.Version}}' codeberg.org/miekg/dns)
CACHE="$(go env GOCACHE)/fuzz"
mkdir -p "$WORK/log" "$WORK/cache" "$WORK/cov"
echo "bench/v1v2: work dir $WORK, codeberg.org/miekg/dns $V2_VER, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
V2="$WORK/v2"
rm -rf "$V2"
cp -r "$(go env GOMODCACHE)/codeberg.org/miekg/dns@$V2_VER" "$V2"
chmod -R u+w "$V2"

fuzz() { # DIR PKGPATH TARGET
	local dir=$1 pkgpath=$2 target=$3 log="$WORK/log/$3.log" f
	rm -rf "$CACHE/$pkgpath/$target"
	(cd "$dir" && nice -n 10 go test -run='^$' -fuzz="^$target\$" -fuzztime="${SECS}s" \
		-parallel=1 -fuzzminimizetime=0 . >"$log" 2>&1) || echo "bench/v1v2: $target stopped early (see $log)" >&2
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

# cover NAME DIR AFTER TARGET: writes $WORK/cov/NAME.out, a profile of both
# packages.
cover() {
	local name=$1 dir=$2 after=$3 t=$4
	if [ "$after" = 1 ]; then
		mkdir -p "$dir/testdata/fuzz/$t"
		cp "$WORK/cache/$t"/* "$dir/testdata/fuzz/$t/" 2>/dev/null || true
	fi
	(cd "$dir" && nice -n 10 go test -count=1 -run="^$t\$" -coverpkg=github.com/miekg/dns,codeberg.org/miekg/dns \
		-coverprofile="$WORK/cov/$name.out" . >"$WORK/log/cover-$name.log" 2>&1) || echo "bench/v1v2: coverage run $name failed (see $WORK/log/cover-$name.log)" >&2
	rm -rf "$dir/testdata/fuzz/$t"
	rmdir "$dir/testdata/fuzz" 2>/dev/null || true
}

# share NAME PKG: PKG's statements covered in profile NAME, in percent
# (one package directory, subpackages excluded).
share() {
	awk -v pkg="$2/" 'NR > 1 {
		f=$1; sub(/:.*/, "", f); d=f; sub(/\/[^\/]*$/, "/", d)
		if (d != pkg) next
		if (!($1 in seen)) { seen[$1]=1; n[$1]=$2 }
		if ($3 > 0) hit[$1]=1
	} END { for (b in n) { all += n[b]; if (b in hit) cov += n[b] }
		if (all) printf "%.1f%%\n", 100*cov/all; else print "-" }' "$WORK/cov/$1.out"
}

OURS="$ROOT/fuzz/dns"
MOD=github.com/daemonfuzz/daemonfuzz/fuzz/dns
fuzz "$OURS" $MOD FuzzTextDifferential &
fuzz "$V2" codeberg.org/miekg/dns FuzzNew &
wait
echo "bench/v1v2: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

cover t-s "$OURS" 0 FuzzTextDifferential
cover t-a "$OURS" 1 FuzzTextDifferential
cover n-s "$V2" 0 FuzzNew
cover n-a "$V2" 1 FuzzNew
printf 'target\texecs\tfuzz_s\texecs_per_s\tv1_seeds\tv1_after\tv2_seeds\tv2_after\n' >"$WORK/results.tsv"
printf '%s\t%s\t%s\t%s\t%s\t%s\n' FuzzTextDifferential "$(rate FuzzTextDifferential)" \
	"$(share t-s github.com/miekg/dns)" "$(share t-a github.com/miekg/dns)" \
	"$(share t-s codeberg.org/miekg/dns)" "$(share t-a codeberg.org/miekg/dns)" >>"$WORK/results.tsv"
printf '%s\t%s\t-\t-\t%s\t%s\n' "v2 FuzzNew" "$(rate FuzzNew)" \
	"$(share n-s codeberg.org/miekg/dns)" "$(share n-a codeberg.org/miekg/dns)" >>"$WORK/results.tsv"
column -t -s "$(printf '\t')" "$WORK/results.tsv"
