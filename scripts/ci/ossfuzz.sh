#!/usr/bin/env bash
# ossfuzz.sh: build every target as OSS-Fuzz and ClusterFuzzLite do (the
# generated build.sh, go-118-fuzz-build, clang's libFuzzer) and run each on
# its seeds, then RUNS executions (default here 2000: the seeds are the
# check; longer runs are the nightly's and ClusterFuzzLite's job). The
# script built is .clusterfuzzlite/build.sh, the one the ClusterFuzzLite
# workflows' build_fuzzers runs; OSS-Fuzz's is generated identical to it.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

cmp oss-fuzz/projects/daemonfuzz/build.sh .clusterfuzzlite/build.sh ||
	die "the OSS-Fuzz and ClusterFuzzLite build scripts differ; run go run ./cmd/fuzzrun oss-fuzz"
BUILD_SH=.clusterfuzzlite/build.sh RUNS=${RUNS:-2000} bash scripts/ossfuzz-local.sh
