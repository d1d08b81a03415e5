#!/usr/bin/env bash
# matrix.sh: the nightly's fuzz matrix, from `fuzzrun list -json`: one entry
# per suite target (set "suite": the benchmark baselines and fuzzrun's own
# fuzz tests are left out), with the target id
# for `fuzzrun run` and a key safe in cache and artifact names. Writes
# matrix=<JSON> to $GITHUB_OUTPUT and the list to stdout.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

# `fuzzrun list` lists the suite by default; the filter keeps it so even if
# that default changes.
matrix=$(fuzzrun list -json | jq -c '[.[] | select(.set == "suite") |
	{id: (.dir + ":" + .name), key: ((.dir | gsub("[^A-Za-z0-9]"; "_")) + "_" + .name)}]')
[[ $(jq length <<<"$matrix") -gt 0 ]] || die "fuzzrun list -json lists no suite target"
jq -r '.[].id' <<<"$matrix"
echo "matrix=$matrix" >>"${GITHUB_OUTPUT:?set by GitHub Actions: the file step outputs go to}"
