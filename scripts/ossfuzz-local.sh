#!/usr/bin/env bash
# ossfuzz-local.sh: build every fuzz target as a libFuzzer binary exactly as
# OSS-Fuzz and ClusterFuzzLite do, by running the generated
# oss-fuzz/projects/daemonfuzz/build.sh with a local compile_native_go_fuzzer,
# then run each binary for RUNS executions on its seed corpus zip and
# dictionary. Fails if a target does not build or a seed crashes under the
# OSS-Fuzz build (a harness error); a crash found by fuzzing is printed as a
# FINDING with its input as a Go corpus file.
#
# compile_native_go_fuzzer below follows OSS-Fuzz's
# infra/base-images/base-builder/compile_native_go_fuzzer: find the one file
# of the package naming the function, copy it to <file>_fuzz_.go (a non-test
# file), point the FuzzXxx(f *testing.F) signature at go-118-fuzz-build's
# testing shim, then go-118-fuzz-build -o X.a -func FuzzXxx <dir> and
# $CXX $CXXFLAGS $LIB_FUZZING_ENGINE X.a -o $OUT/X. Only the sanitizer differs:
# the local link uses -fsanitize=fuzzer alone (Go code is not ASan-instrumented
# in either build). build.sh's compile lines are queued and run afterwards,
# packages in parallel (JOBS), the targets of one package in order.
#
# Environment: BUILD_SH the build script (default
# oss-fuzz/projects/daemonfuzz/build.sh; .clusterfuzzlite/build.sh is
# ClusterFuzzLite's), RUNS (default 10000), JOBS parallel builds and runs (default 2),
# STRICT=1 to fail on a crash found by fuzzing too (not only on the seeds),
# KEEP=1 to keep WORKDIR, OSSFUZZ_CACHE for the go-118-fuzz-build binary
# (default ~/.cache/daemonfuzz-ossfuzz), ONLY a regexp of fuzzer names.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10000}
JOBS=${JOBS:-2}
ONLY=${ONLY:-}
BUILD_SH=${BUILD_SH:-oss-fuzz/projects/daemonfuzz/build.sh}
[[ -f "$root/$BUILD_SH" ]] || { printf 'ossfuzz-local: no build script %s\n' "$root/$BUILD_SH" >&2; exit 1; }
cache=${OSSFUZZ_CACHE:-$HOME/.cache/daemonfuzz-ossfuzz}
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/ossfuzz-local.XXXXXX")
export WORKDIR
if [[ "${KEEP:-}" != 1 ]]; then
	trap 'rm -rf "$WORKDIR"' EXIT
fi
log() { printf '== ossfuzz-local: %s\n' "$*"; }
die() { printf 'ossfuzz-local: %s\n' "$*" >&2; exit 1; }

# 1. clang with libFuzzer (Debian: clang and libclang-rt-14-dev).
fuzzer_link_ok() {
	printf 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}\n' >"$WORKDIR/probe.cc"
	clang++ -fsanitize=fuzzer "$WORKDIR/probe.cc" -o "$WORKDIR/probe" >/dev/null 2>&1
}
if ! command -v clang++ >/dev/null || ! command -v unzip >/dev/null || ! fuzzer_link_ok; then
	sudo=""
	[[ $(id -u) == 0 ]] || { sudo -n true 2>/dev/null && sudo="sudo -n"; }
	if { [[ $(id -u) == 0 ]] || [[ -n $sudo ]]; } && command -v apt-get >/dev/null; then
		$sudo apt-get update -qq >/dev/null
		# The libFuzzer runtime package is versioned with clang (Debian 12: 14).
		llvm=$(apt-cache policy clang | sed -n 's/.*Candidate: [0-9]*:\([0-9][0-9]*\).*/\1/p')
		log "installing clang, libclang-rt-$llvm-dev and unzip"
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			clang "libclang-rt-$llvm-dev" unzip >/dev/null
	fi
	command -v unzip >/dev/null || die "unzip is missing; install it"
	fuzzer_link_ok || die "clang++ cannot link -fsanitize=fuzzer; install clang and libclang-rt-14-dev (Debian) or your distribution's libFuzzer runtime"
fi

# 2. go-118-fuzz-build, at the version go.mod requires (its testing shim is
# what the built fuzzers link), cached across runs.
cd "$root"
version=$(go list -m -f '{{.Version}}' github.com/AdamKorcz/go-118-fuzz-build)
gobin="$cache/$version"
if [[ ! -x "$gobin/go-118-fuzz-build" ]]; then
	log "installing go-118-fuzz-build@$version"
	GOBIN="$gobin" go install "github.com/AdamKorcz/go-118-fuzz-build@$version"
fi

# 3. The OSS-Fuzz layout: the source in $SRC/daemonfuzz (a copy, because the
# build rewrites files), binaries and seeds in $OUT.
export SRC="$WORKDIR/src" OUT="$WORKDIR/out" WORK="$WORKDIR/work"
export CXX=clang++ CXXFLAGS="" LIB_FUZZING_ENGINE="-fsanitize=fuzzer" SANITIZER=address
mkdir -p "$SRC/daemonfuzz" "$OUT" "$WORK" "$WORKDIR/bin"
tar -C "$root" --exclude=./.git --exclude=./crashers -cf - . | tar -C "$SRC/daemonfuzz" -xf -

cat >"$WORKDIR/bin/compile_native_go_fuzzer" <<'SCRIPT'
#!/bin/bash -eu
# Local stand-in for OSS-Fuzz's compile_native_go_fuzzer (non-coverage path).
path=$1 function=$2 fuzzer=$3
if [[ -n "${ONLY:-}" ]] && ! [[ $fuzzer =~ $ONLY ]]; then exit 0; fi
if [[ -n "${QUEUE:-}" ]]; then
	# Called from build.sh: queue the build, so that packages build in
	# parallel afterwards (two targets of one package never do: the recipe
	# moves the package's fuzz test file aside).
	echo "$path $function $fuzzer $PWD" >>"$QUEUE" # $PWD: a nested module's directory
	exit 0
fi
abs_file_dir=$(go list -tags gofuzz -f '{{.Dir}}' "$path")
fuzzer_filename=$(grep -r -l -s "$function" "$abs_file_dir")
if [ "$(printf '%s\n' "$fuzzer_filename" | wc -l)" -ne 1 ]; then
	# OSS-Fuzz's script word-splits this list and fails further on.
	echo "$fuzzer: compile_native_go_fuzzer needs exactly one file naming $function; found:" $fuzzer_filename >&2
	exit 1
fi
if [ "$(grep -r "func $function" $fuzzer_filename | grep -c "testing.F")" -ne 1 ]; then
	echo "Could not find the function: func ${function}(f *testing.F)" >&2
	exit 1
fi
cp "$fuzzer_filename" "${fuzzer_filename}_fuzz_.go"
mkdir -p "$WORK/$fuzzer"
mv "$fuzzer_filename" "$WORK/$fuzzer/"
fuzzer_fn="${fuzzer_filename}_fuzz_.go"
sed -i "s/func $function(\([a-zA-Z0-9]*\) \*testing\.F)/func $function(\1 *go118fuzzbuildutils.F)/g" "$fuzzer_fn"
# addimport: add the named import of the shim to the file's import block.
grep -q '^import ($' "$fuzzer_fn" || { echo "$fuzzer_filename: no import block for addimport" >&2; exit 1; }
sed -i '0,/^import ($/s//import (\n\tgo118fuzzbuildutils "github.com\/AdamKorcz\/go-118-fuzz-build\/testing"/' "$fuzzer_fn"
status=0
go-118-fuzz-build -o "$WORK/$fuzzer.a" -func "$function" "$abs_file_dir" && \
	$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$WORK/$fuzzer.a" -o "$OUT/$fuzzer" || status=$?
rm "$fuzzer_fn"
mv "$WORK/$fuzzer/$(basename "$fuzzer_filename")" "$fuzzer_filename"
exit $status
SCRIPT
chmod +x "$WORKDIR/bin/compile_native_go_fuzzer"
export PATH="$WORKDIR/bin:$gobin:$PATH" ONLY

# 4. The generated build script, as OSS-Fuzz runs it.
log "building with $BUILD_SH"
start=$SECONDS
# OSS-Fuzz runs it with -e, stopping at the first target that fails; here
# every target is tried so one run reports them all, and any failure fails.
# The seeds step must succeed before any compile line runs.
export QUEUE="$WORKDIR/queue"
: >"$QUEUE"
(cd "$SRC" && bash -u "$SRC/daemonfuzz/$BUILD_SH") >"$WORKDIR/build.log" 2>&1 || true
unset QUEUE
build_package() { # build every queued target of one package, in order
	local pkg=$1 _p fn fz dir
	while read -r _p fn fz dir; do
		(cd "$dir" && compile_native_go_fuzzer "$pkg" "$fn" "$fz") >"$WORKDIR/build-$fz.log" 2>&1 || true
	done < <(awk -v p="$pkg" '$1 == p' "$WORKDIR/queue")
}
export -f build_package
# A package whose tests import another queued package (fuzz/ntpns imports
# fuzz/ntp) must not build while that one's fuzz test file is moved aside:
# those build after the independent ones, one at a time.
mapfile -t pkgs < <(awk '{print $1}' "$WORKDIR/queue" | sort -u)
independent=() dependent=()
for p in "${pkgs[@]}"; do
	dir=$(awk -v p="$p" '$1 == p { print $4; exit }' "$WORKDIR/queue")
	if (cd "$dir" && go list -test -deps "$p" 2>/dev/null) | grep -qxF -f <(printf '%s\n' "${pkgs[@]}" | grep -vxF "$p"); then
		dependent+=("$p")
	else
		independent+=("$p")
	fi
done
printf '%s\n' "${independent[@]}" | xargs -r -P "$JOBS" -I{} bash -c 'build_package "$@"' _ {}
for p in "${dependent[@]}"; do
	build_package "$p"
done
cat "$WORKDIR"/build-*.log >>"$WORKDIR/build.log" 2>/dev/null || true
mapfile -t fuzzers < <(grep -v '^#' "$root/$BUILD_SH" | grep -o 'compile_native_go_fuzzer [^ )]* [^ )]* [^ )]*' | awk '{print $4}' |
	{ if [[ -n $ONLY ]]; then grep -E "$ONLY"; else cat; fi })
missing=() built=()
for f in "${fuzzers[@]}"; do
	if [[ -x "$OUT/$f" && -f "$OUT/${f}_seed_corpus.zip" ]]; then built+=("$f"); else missing+=("$f"); fi
done
log "built ${#built[@]} of ${#fuzzers[@]} fuzzers in $((SECONDS - start))s"
if ((${#missing[@]} > 0)); then
	grep -v '^replacing \*testing\.F$' "$WORKDIR/build.log" | tail -60 >&2
	log "NOT BUILT: ${missing[*]} (build log above)"
fi

# 5. Run each fuzzer for RUNS executions on its seeds and dictionary. The
# working directory holds a go.mod and the crash store's suppression list
# but no corpus/, so known dependency bugs stay suppressed (as in go test)
# while harness.Seed finds no corpus, as on ClusterFuzz.
rundir="$WORKDIR/run"
mkdir -p "$rundir/crashers" "$WORKDIR/crashes"
printf 'module run\n' >"$rundir/go.mod"
[[ -f "$root/crashers/suppressions.txt" ]] && cp "$root/crashers/suppressions.txt" "$rundir/crashers/"
go build -o "$WORKDIR/bin/fuzzrun" ./cmd/fuzzrun

run_one() {
	local f=$1 seeds="$WORKDIR/seeds/$1" corpus="$WORKDIR/corpus/$1" args=()
	mkdir -p "$seeds" "$corpus"
	unzip -q -o "$OUT/${f}_seed_corpus.zip" -d "$seeds"
	[[ -f "$OUT/$f.dict" ]] && args+=("-dict=$OUT/$f.dict")
	args+=("-max_len=$(sed -n 's/^max_len = //p' "$OUT/$f.options")")
	if (cd "$rundir" && "$OUT/$f" -runs="$RUNS" -seed=1 -print_final_stats=1 \
		-artifact_prefix="$WORKDIR/crashes/$f-" "${args[@]}" "$corpus" "$seeds") >"$WORKDIR/$f.log" 2>&1; then
		local execs rate
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORKDIR/$f.log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORKDIR/$f.log")
		printf '%-28s ok  %8s execs %7s exec/s  %4d seeds\n' "$f" "$execs" "$rate" "$(find "$seeds" -type f | wc -l)"
		return 0
	fi
	# Before INITED libFuzzer is still running the seeds, which go test
	# replays without failing: a crash there is the OSS-Fuzz build breaking
	# the harness. After it, fuzzing found a crash: a finding to triage (or a
	# known dependency bug to suppress), reported but not a build failure
	# unless STRICT=1, so CI does not gate on what random mutation reaches.
	local kind=FAILED status=1
	if grep -qE '^#[0-9]+[[:space:]]+INITED' "$WORKDIR/$f.log" && [[ "${STRICT:-}" != 1 ]]; then
		kind="FINDING (crash after the seeds ran; triage it)" status=0
	fi
	printf '%-28s %s\n' "$f" "$kind"
	grep -m1 -E '^(oracle |panic: )' "$WORKDIR/$f.log" | sed 's/^/    /' || true
	((status == 0)) || tail -30 "$WORKDIR/$f.log" | sed 's/^/    /'
	for c in "$WORKDIR/crashes/$f-"*; do
		[[ -f $c && $c != *.go ]] || continue
		if "$WORKDIR/bin/fuzzrun" oss-fuzz -to-go "$c" -o "$c.go" >/dev/null 2>&1; then
			echo "    crash input as a Go corpus file (put it in crashers/_incoming/<FuzzXxx>/):"
			sed 's/^/    /' "$c.go"
		fi
	done
	return $status
}
export -f run_one
export RUNS rundir
log "running each fuzzer for $RUNS executions, $JOBS at a time"
start=$SECONDS
ran=ok
if ((${#built[@]} > 0)) && ! printf '%s\n' "${built[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {}; then
	ran=failed
fi
if [[ $ran != ok ]] || ((${#missing[@]} > 0)); then
	trap - EXIT
	die "${#missing[@]} fuzzers not built, runs $ran; logs and crash inputs kept in $WORKDIR"
fi
log "all ${#built[@]} fuzzers ran their seeds without a harness error, then $RUNS executions unless a FINDING says otherwise, in $((SECONDS - start))s"
