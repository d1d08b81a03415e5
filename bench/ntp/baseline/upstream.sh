#!/usr/bin/env bash
# bench/ntp/baseline/upstream.sh: facebook/time's own fuzz tests as native
# baselines, measured like daemonfuzz's targets. The module is copied out of
# the read-only module cache (its tests write testdata/), fuzzed with one
# worker and -fuzzminimizetime=0, and replayed with coverage.
#
# Usage: upstream.sh OUTDIR FUZZ_SECS   (writes OUTDIR/upstream.tsv:
#   target, package, seeds-only %, after-fuzzing %, execs/sec)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$1
SECS=$2
NICE=${NICE:-nice -n 19}
VERSION=$(cd "$HERE/../../.." && go list -m -f '{{.Version}}' github.com/facebook/time)
SRC=$(go env GOMODCACHE)/github.com/facebook/time@$VERSION
COPY=$OUT/fbtime
rm -rf "$COPY"
cp -r "$SRC" "$COPY"
chmod -R u+w "$COPY"
cd "$COPY"
export GOFLAGS=-mod=mod
source "$HERE/../lib.sh"

: >"$OUT/upstream.tsv"
# target package fuzzed?
while read -r target pkg fuzz; do
	rel=./${pkg#github.com/facebook/time/}
	bin=$OUT/up-$target.cover
	go test -c -cover -coverpkg="$pkg" -o "$bin" "$rel"
	seeds=$OUT/up-$target-seeds
	rm -rf "$seeds" && mkdir -p "$seeds"
	(cd "$rel" && $NICE "$bin" -test.run="^$target\$" -test.count=1 -test.gocoverdir="$seeds" >/dev/null 2>&1) || true
	s=$(percent "$seeds" "$pkg")
	a=- rate=-
	if [ "$fuzz" = yes ]; then
		cache=$OUT/up-$target-cache
		rm -rf "$cache"
		$NICE go test -run='^$' -fuzz="^$target\$" -fuzztime="${SECS}s" -parallel=1 -fuzzminimizetime=0 "$rel" \
			-args -test.fuzzcachedir="$cache" >"$OUT/up-$target.log" 2>&1 || true
		rate=$(execs_per_sec "$OUT/up-$target.log")
		mkdir -p "$rel/testdata/fuzz/$target"
		cp "$cache/$target"/* "$rel/testdata/fuzz/$target/" 2>/dev/null || true
		after=$OUT/up-$target-after
		rm -rf "$after" && mkdir -p "$after"
		(cd "$rel" && $NICE "$bin" -test.run="^$target\$" -test.count=1 -test.gocoverdir="$after" >/dev/null 2>&1) || true
		a=$(percent "$after" "$pkg")
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$pkg" "$s" "$a" "$rate" >>"$OUT/upstream.tsv"
done <<'LIST'
FuzzBytesToPacket github.com/facebook/time/ntp/protocol yes
FuzzPacketAssociatedData github.com/facebook/time/ntp/protocol no
FuzzEFRoundTrip github.com/facebook/time/ntp/protocol no
FuzzDecodePacket github.com/facebook/time/ntp/chrony no
FuzzNormalizeData github.com/facebook/time/ntp/control no
LIST
rm -rf "$COPY"
