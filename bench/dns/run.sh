#!/usr/bin/env bash
# bench/dns/run.sh: execs/sec and github.com/miekg/dns statement coverage of
# daemonfuzz's DNS targets and of the baselines in bench/dns/baseline,
# measured the same way in one run. Results go to $WORK/results.md (the
# table BENCHMARKS.md "## DNS" quotes) and $WORK/results.tsv.
#
#   bench/dns/run.sh                 # full run: ~34 core-minutes, one worker
#   LONG=10 SHORT=3 bench/dns/run.sh # smoke test of the script itself
#   ONLY="FuzzRR" bench/dns/run.sh   # re-measure some targets, no unions
#
# Every fuzzing run: nice'd, -parallel=1 (one worker), -fuzzminimizetime=0,
# starting from an empty fuzz cache. execs/sec = total execs divided by the
# seconds spent fuzzing after the baseline-coverage pass (from the last
# "fuzz: elapsed" line). Coverage = `go test -coverpkg=github.com/miekg/dns`
# of bench/dns/replay feeding the target body its seeds ("seeds") or its
# seeds plus every input the run added to the fuzz cache ("after").
set -euo pipefail

LONG=${LONG:-300}   # seconds: wire, text (RR), structured and the three baselines
SHORT=${SHORT:-30}  # seconds: execs/sec of the other targets
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/dnsbench.XXXXXX)}
GOCACHE_FUZZ="$(go env GOCACHE)/fuzz/github.com/daemonfuzz/daemonfuzz"
MOD=github.com/daemonfuzz/daemonfuzz
mkdir -p "$WORK/log" "$WORK/cache" "$WORK/cov"
cd "$ROOT"
echo "bench/dns: work dir $WORK" >&2

# fuzz PKG TARGET SECONDS: one fuzzing session from an empty cache; prints
# "execs seconds rate" and keeps the cache in $WORK/cache/TARGET.
fuzz() {
	local pkg=$1 target=$2 secs=$3 log="$WORK/log/$2.log"
	local cachedir="$GOCACHE_FUZZ/$pkg/$target"
	rm -rf "$cachedir"
	nice -n 10 go test -run='^$' -fuzz="^$target\$" -fuzztime="${secs}s" \
		-parallel=1 -fuzzminimizetime=0 "./$pkg" >"$log" 2>&1 || {
		echo "bench/dns: $target stopped early (see $log)" >&2
		keep_crasher "$pkg" "$target" "$log"
	}
	rm -rf "$WORK/cache/$target"
	if [ -d "$cachedir" ]; then mv "$cachedir" "$WORK/cache/$target"; else mkdir -p "$WORK/cache/$target"; fi
	awk -f "$ROOT/bench/dns/rate.awk" "$log"
}

# keep_crasher PKG TARGET LOG: a failure found while benchmarking goes to
# crashers/_incoming (COMMON.md), never stays in testdata.
keep_crasher() {
	local dir="$2" f
	for f in "$1/testdata/fuzz/$2"/*; do
		[ -e "$f" ] || continue
		mkdir -p "crashers/_incoming/$dir"
		cp "$3" "crashers/_incoming/$dir/$(basename "$f").log"
		mv "$f" "crashers/_incoming/$dir/"
		echo "bench/dns: kept crashers/_incoming/$dir/$(basename "$f")" >&2
	done
}

# cover NAME SEEDS TARGET...: statement coverage of miekg/dns by the
# targets' inputs (SEEDS=1: their seeds too; caches from this run).
cover() {
	local name=$1 seeds=$2; shift 2
	local envs=() t
	for t in "$@"; do envs+=("DNSBENCH_CACHE_$t=${CACHE_ONLY_SEEDS:-$WORK/cache/$t}"); done
	env DNSBENCH_TARGETS="$(IFS=,; echo "$*")" DNSBENCH_SEEDS="$seeds" "${envs[@]}" \
		nice -n 10 go test -count=1 -run='^TestReplay$' -coverpkg=github.com/miekg/dns \
		-coverprofile="$WORK/cov/$name.out" ./bench/dns/replay >"$WORK/log/cover-$name.log" 2>&1
	go tool cover -func="$WORK/cov/$name.out" | awk '/^total:/ { print $3 }'
}

printf 'target\tkind\tfuzz_s\texecs\texecs_per_s\tcov_seeds\tcov_after\n' >"$WORK/results.tsv"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$WORK/results.tsv"; }

long_targets="fuzz/dns:FuzzWire:suite fuzz/dns:FuzzRR:suite fuzz/dns:FuzzStructured:suite bench/dns/baseline:FuzzOSSFuzz:baseline bench/dns/baseline:FuzzOSSNewRR:baseline bench/dns/baseline:FuzzNaiveUnpack:baseline"
short_targets="FuzzZone FuzzTSIG FuzzDifferential FuzzDNSSEC FuzzNames FuzzTruncate FuzzServer"

selected() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

for spec in $long_targets; do
	IFS=: read -r pkg t kind <<<"$spec"
	selected "$t" || continue
	read -r execs secs rate < <(fuzz "$pkg" "$t" "$LONG")
	seeds=1; [ "$kind" = baseline ] && seeds=0
	before=$(CACHE_ONLY_SEEDS=/nonexistent cover "$t-seeds" "$seeds" "$t")
	after=$(cover "$t-after" "$seeds" "$t")
	row "$t" "$kind" "$secs" "$execs" "$rate" "$before" "$after"
	echo "bench/dns: $t $secs s, $execs execs, $rate/s, coverage $before -> $after" >&2
done
for t in $short_targets; do
	selected "$t" || continue
	read -r execs secs rate < <(fuzz fuzz/dns "$t" "$SHORT")
	row "$t" suite "$secs" "$execs" "$rate" - -
	echo "bench/dns: $t $secs s, $execs execs, $rate/s" >&2
done

if [ -n "${ONLY:-}" ]; then
	"$ROOT/bench/dns/table.sh" "$WORK" | tee "$WORK/results.md"
	exit 0
fi
all="FuzzWire,FuzzRR,FuzzZone,FuzzStructured,FuzzTSIG,FuzzDifferential,FuzzDNSSEC,FuzzNames,FuzzTruncate,FuzzServer"
union_seeds=$(CACHE_ONLY_SEEDS=/nonexistent cover union-seeds 1 ${all//,/ })
union_after=$(cover union-after 1 ${all//,/ })
row "suite union" suite - - - "$union_seeds" "$union_after"
base_seeds=$(CACHE_ONLY_SEEDS=/nonexistent cover baseline-union-seeds 0 FuzzOSSFuzz FuzzOSSNewRR FuzzNaiveUnpack)
base_after=$(cover baseline-union 0 FuzzOSSFuzz FuzzOSSNewRR FuzzNaiveUnpack)
row "baseline union" baseline - - - "$base_seeds" "$base_after"

"$ROOT/bench/dns/table.sh" "$WORK" >"$WORK/results.md"
cat "$WORK/results.md"
