#!/usr/bin/env bash
# ossfuzz.sh: build every target as OSS-Fuzz and ClusterFuzzLite do (the
# generated build.sh, go-118-fuzz-build, clang's libFuzzer) and run each on
# its seeds, then RUNS executions (default here 2000: the seeds are the
# check; longer runs are the nightly's and ClusterFuzzLite's job).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2000} bash scripts/ossfuzz-local.sh
