#!/usr/bin/env bash
# bench/libfuzzer.sh WORKDIR [SECONDS]: execs/sec of every target under
# libFuzzer (the OSS-Fuzz build) next to `go test -fuzz`, one worker each,
# SECONDS (default 15) of fuzzing per side, starting from the same seeds.
#
# WORKDIR is a directory kept by `KEEP=1 scripts/ossfuzz-local.sh` (its out/
# holds the binaries, seed zips, dictionaries and options; its src/daemonfuzz
# the source they were built from). Go's side runs in that source with
# -parallel=1 -fuzzminimizetime=0; its rate is the last `fuzz: elapsed` line's
# execs over its elapsed seconds. libFuzzer's is its average_exec_per_sec,
# run from a directory without corpus/ as on ClusterFuzz. Prints a Markdown
# table. ONLY, a regexp, selects fuzzers.
set -euo pipefail
work=${1:?usage: bench/libfuzzer.sh WORKDIR [SECONDS]}
secs=${2:-15}
out="$work/out" src="$work/src/daemonfuzz" run="$work/bench"
mkdir -p "$run"
printf 'module run\n' >"$run/go.mod"

echo "| fuzzer | libFuzzer execs/s | go test -fuzz execs/s | libFuzzer / Go |"
echo "|---|---:|---:|---:|"
while read -r _ pkg func name; do
	[[ -x "$out/$name" ]] || { echo "| $name | not built | | |"; continue; }
	seeds="$run/$name.seeds" corpus="$run/$name.corpus"
	rm -rf "$seeds" "$corpus" && mkdir -p "$seeds" "$corpus"
	unzip -q "$out/${name}_seed_corpus.zip" -d "$seeds"
	args=("-max_len=$(sed -n 's/^max_len = //p' "$out/$name.options")")
	[[ -f "$out/$name.dict" ]] && args+=("-dict=$out/$name.dict")
	(cd "$run" && "$out/$name" -max_total_time="$secs" -print_final_stats=1 "${args[@]}" "$corpus" "$seeds") </dev/null >"$run/$name.libfuzzer.log" 2>&1 || true
	lf=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/$name.libfuzzer.log" || true)
	dir=${pkg#github.com/daemonfuzz/daemonfuzz/}
	(cd "$src" && go test -run='^$' -fuzz="^$func\$" -fuzztime="${secs}s" -parallel=1 -fuzzminimizetime=0 "./$dir") </dev/null >"$run/$name.go.log" 2>&1 || true
	gorate=$(grep -o 'elapsed: [0-9]*s, execs: [0-9]*' "$run/$name.go.log" | tail -1 |
		awk '{gsub("s,","",$2); if ($2 > 0) printf "%d", $4 / $2}' || true)
	ratio=$(awk -v a="${lf:-0}" -v b="${gorate:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	echo "| $name | ${lf:--} | ${gorate:--} | $ratio |"
done < <(grep '^compile_native_go_fuzzer ' "$src/oss-fuzz/projects/daemonfuzz/build.sh" | { if [[ -n ${ONLY:-} ]]; then grep -E "$ONLY"; else cat; fi })
