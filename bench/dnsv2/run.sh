#!/usr/bin/env bash
# bench/dnsv2/run.sh: execs/sec and coverage of codeberg.org/miekg/dns
# (miekg/dns v2) for fuzz/dnsv2's four targets next to v2's own fuzz tests
# (FuzzMsgPack in msg_test.go: Unpack only; FuzzNew in parse_test.go: New
# only), run in a copy of the module at the version go.mod requires.
#
#   bench/dnsv2/run.sh               # PER (default 2m) of fuzzing per target
#
# Two fuzzrun runs at the same time (same load), nice'd: fuzz/dnsv2's
# targets one after another, and v2's two tests one after another, each
# target PER of fuzzing with one process of one worker (-jobs 1 -parallel
# 1), Go's minimisation off, from an empty work directory. fuzzrun starts a
# target's clock after its baseline pass over its corpus (go test's own
# -fuzztime counts that pass, which left FuzzV2Wire's 1,182 seeds at 0
# executions under load). execs/sec = execs over the seconds fuzzed.
# Coverage: go test -run='^X$' -coverpkg=codeberg.org/miekg/dns over the
# target's seeds, then its seeds plus the run's work corpus copied into
# testdata/fuzz. Results: $WORK/results.tsv.
set -euo pipefail

PER=${PER:-2m}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/dnsv2bench.XXXXXX)}
cd "$ROOT"
V2_VER=$(go list -m -f '{{.Version}}' codeberg.org/miekg/dns)
PKG=codeberg.org/miekg/dns
mkdir -p "$WORK/log" "$WORK/cov"
echo "bench/dnsv2: work dir $WORK, $PKG $V2_VER, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
V2="$WORK/v2"
rm -rf "$V2" "$WORK/ours" "$WORK/theirs"
cp -r "$(go env GOMODCACHE)/$PKG@$V2_VER" "$V2"
chmod -R u+w "$V2"
go build -o "$WORK/fuzzrun" ./cmd/fuzzrun

OURS="$ROOT/fuzz/dnsv2"
TARGETS="FuzzV2Wire FuzzV2Zone FuzzV2Server FuzzV2Structured"
nice -n 10 "$WORK/fuzzrun" run -per-target "$PER" -jobs 1 -parallel 1 -workdir "$WORK/ours" -json 'fuzz/dnsv2:' >"$WORK/ours.json" 2>"$WORK/log/ours.log" &
(cd "$V2" && nice -n 10 "$WORK/fuzzrun" run -per-target "$PER" -jobs 1 -parallel 1 -workdir "$WORK/theirs" -json 'FuzzMsgPack$|FuzzNew$' >"$WORK/theirs.json" 2>"$WORK/log/theirs.log") &
wait
echo "bench/dnsv2: fuzzing done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

cover() { # NAME DIR TARGET CORPUS (empty: seeds only)
	local name=$1 dir=$2 t=$3 corpus=$4
	if [ -n "$corpus" ]; then
		mkdir -p "$dir/testdata/fuzz/$t"
		cp "$corpus"/* "$dir/testdata/fuzz/$t/" 2>/dev/null || true
	fi
	(cd "$dir" && nice -n 10 go test -count=1 -run="^$t\$" -coverpkg="$PKG" \
		-coverprofile="$WORK/cov/$name.out" . >"$WORK/log/cover-$name.log" 2>&1) || echo "bench/dnsv2: coverage run $name failed (see $WORK/log/cover-$name.log)" >&2
	rm -rf "$dir/testdata/fuzz/$t"
	rmdir "$dir/testdata/fuzz" "$dir/testdata" 2>/dev/null || true
	go tool cover -func="$WORK/cov/$name.out" 2>/dev/null | awk '/^total:/ { print $3 }'
}

rate() { # SUMMARY TARGET: execs, seconds fuzzed, execs/s from fuzzrun's JSON summary
	jq -r --arg t "$2" '.targets[] | select(.name == $t) | "\(.execs)\t\(.fuzzed)\t\(.execs_per_sec | floor)"' "$1"
}

printf 'target\texecs\tfuzzed\texecs_per_s\tcov_seeds\tcov_after\n' >"$WORK/results.tsv"
for t in $TARGETS; do
	printf '%s\t%s\t%s\t%s\n' $t "$(rate "$WORK/ours.json" $t)" "$(cover $t-s "$OURS" $t '')" \
		"$(cover $t-a "$OURS" $t "$WORK/ours/corpus/fuzz/dnsv2/$t")" >>"$WORK/results.tsv"
done
for t in FuzzMsgPack FuzzNew; do
	c=$(find "$WORK/theirs/corpus" -type d -name "$t" | head -1)
	printf '%s\t%s\t%s\t%s\n' "v2 $t" "$(rate "$WORK/theirs.json" $t)" "$(cover v2$t-s "$V2" $t '')" \
		"$(cover v2$t-a "$V2" $t "$c")" >>"$WORK/results.tsv"
done
column -t -s "$(printf '\t')" "$WORK/results.tsv"
