#!/usr/bin/env bash
# matrix.sh: the nightly's fuzz matrix, from `fuzzrun list -json`: one entry
# per suite target (targets that declare a corpus format; the benchmark
# baselines and fuzzrun's own fuzz tests are left out), with the target id
# for `fuzzrun run` and a key safe in cache and artifact names. Writes
# matrix=<JSON> to $GITHUB_OUTPUT and the list to stdout.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

# `set` is the target's set when fuzzrun says it ("suite", "bench", "tool");
# before that, the suite is the targets with a corpus format.
matrix=$(fuzzrun list -json | jq -c '[.[] | select(if has("set") then .set == "suite" else .format != "" end) |
	{id: (.dir + ":" + .name), key: ((.dir | gsub("[^A-Za-z0-9]"; "_")) + "_" + .name)}]')
[[ $(jq length <<<"$matrix") -gt 0 ]] || die "fuzzrun list -json lists no suite target"
jq -r '.[].id' <<<"$matrix"
echo "matrix=$matrix" >>"${GITHUB_OUTPUT:?set by GitHub Actions: the file step outputs go to}"
