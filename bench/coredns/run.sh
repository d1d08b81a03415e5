#!/usr/bin/env bash
# bench/coredns/run.sh: statement coverage of CoreDNS's plugins reached by
# corednsfuzz's FuzzServer and by CoreDNS's own OSS-Fuzz fuzzers for the same
# plugins (fuzz/coredns/bench/upstream: cache, file, forward), each fuzzing for T seconds
# with one worker and -fuzzminimizetime=0 from an empty fuzz cache, all at
# the same time so every side runs under the same load. Coverage replays each
# target's seeds plus everything its run added, through a -coverpkg build.
#
#   bench/coredns/run.sh          # T=300
#   T=20 bench/coredns/run.sh     # smoke test of the script
#   SKIP_FUZZ=1 WORK=DIR bench/coredns/run.sh   # measure coverage of an earlier run again
#
# It lives outside fuzz/coredns because OSS-Fuzz's compile_native_go_fuzzer
# greps the package directory for the fuzz test's name.
set -euo pipefail
T=${T:-300}
MOD=$(cd "$(dirname "$0")/../../fuzz/coredns" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/corednsbench.XXXXXX)}
CD=github.com/coredns/coredns
PKGS="$CD/core/dnsserver $CD/plugin/cache $CD/plugin/file $CD/plugin/forward $CD/plugin/rewrite $CD/plugin/dnssec $CD/plugin/acl $CD/plugin/template $CD/plugin/hosts $CD/plugin/pkg/proxy"
COVERPKG=$(echo "$PKGS" | tr ' ' ',')
cd "$MOD"
mkdir -p "$WORK/bin" "$WORK/log" "$WORK/cache"
echo "bench/coredns: work dir $WORK, T=${T}s, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

targets=". FuzzServer
./bench/upstream FuzzCache
./bench/upstream FuzzFile
./bench/upstream FuzzForward"

# Build every binary first, so fuzzing starts together.
while read -r pkg t; do
	name=$(basename "$(cd "$pkg" && pwd)")
	[ -e "$WORK/bin/$name.fuzz" ] || go test -c -fuzz=. -o "$WORK/bin/$name.fuzz" "$pkg"
	[ -e "$WORK/bin/$name.cover" ] || go test -c -cover -covermode=set -coverpkg="$COVERPKG" -o "$WORK/bin/$name.cover" "$pkg"
done <<<"$targets"

pids=()
[[ -n ${SKIP_FUZZ:-} ]] || while read -r pkg t; do
	name=$(basename "$(cd "$pkg" && pwd)")
	(cd "$pkg" && "$WORK/bin/$name.fuzz" -test.run='^$' -test.fuzz="^$t\$" -test.fuzztime="${T}s" \
		-test.parallel=1 -test.fuzzminimizetime=0 -test.fuzzcachedir="$WORK/cache/$t" >"$WORK/log/$t.log" 2>&1 || true) &
	pids+=($!)
done <<<"$targets"
wait "${pids[@]}"

# pct PROFILE: per-package statement coverage of a -coverprofile.
pct() {
	awk 'NR > 1 { split($1, a, ":"); f = a[1]; sub(/\/[^\/]*$/, "", f); key = f SUBSEP $1
		if (!(key in seen)) { seen[key] = 1; tot[f] += $2 } if ($3 > 0 && !(key in hit)) { hit[key] = 1; cov[f] += $2 } }
		END { for (p in tot) printf "%s\t%.1f\n", p, 100 * cov[p] / tot[p] }' "$1" | sort
}

printf '| target | wall s | baseline pass ended at | execs | inputs added | failed |\n|---|---|---|---|---|---|\n' >"$WORK/results.md"
while read -r pkg t; do
	name=$(basename "$(cd "$pkg" && pwd)")
	log="$WORK/log/$t.log"
	entries=$(find "$WORK/cache/$t" -type f | wc -l)
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
	base=$(grep -o 'elapsed: [0-9ms]*, gathering baseline coverage: [0-9]*/[0-9]* completed, now fuzzing' "$log" | head -1 | awk '{print $2}' || true)
	failed=$(grep -q -- '--- FAIL' "$log" && echo yes || echo no)
	printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$T" "${base:-none}" "${execs:-0}" "$entries" "$failed" >>"$WORK/results.md"
	# Replay seeds plus the run's inputs as the package's testdata corpus.
	td="$pkg/testdata/fuzz/$t"
	mkdir -p "$td"
	cp "$WORK/cache/$t/$t"/* "$td"/ 2>/dev/null || true # Go's fuzz cache is <dir>/<FuzzXxx>/<entries>
	(cd "$pkg" && "$WORK/bin/$name.cover" -test.run="^$t\$" -test.coverprofile="$WORK/$t.cover" >"$WORK/log/$t.cover.log" 2>&1 || true)
	rm -rf "$pkg/testdata"
	pct "$WORK/$t.cover" >"$WORK/$t.pct"
done <<<"$targets"

{
	echo
	printf '| package |'; while read -r _ t; do printf ' %s |' "$t"; done <<<"$targets"; echo
	printf '|---|'; while read -r _ _; do printf -- '---|'; done <<<"$targets"; echo
	for p in $PKGS; do
		printf '| %s |' "${p#github.com/coredns/coredns/}"
		while read -r _ t; do printf ' %s%% |' "$(awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$WORK/$t.pct")"; done <<<"$targets"
		echo
	done
} >>"$WORK/results.md"
cat "$WORK/results.md"
