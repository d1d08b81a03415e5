#!/usr/bin/env bash
# Minimisation benchmark on a real, historical crasher: miekg/dns v1.1.9's
# NSEC pack panic, unpacked from the triage_realbug script's toy module into
# a temporary directory, ingested, then minimised with fuzzrun. Prints
# fuzzrun's "N -> M bytes in R replays, T" line.
#
#	bench/triage/minimize.sh [workers] [budget]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
workers=${1:-2}
budget=${2:-5m}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
go build -o "$work/fuzzrun" ./cmd/fuzzrun
go run github.com/rogpeppe/go-internal/cmd/txtar-x -C "$work/toy" cmd/fuzzrun/testdata/script/triage_realbug.txtar
cd "$work/toy"
"$work/fuzzrun" triage -timeout 20s >/dev/null || true # exit 3: it reproduces
"$work/fuzzrun" minimize -timeout 20s -workers "$workers" -budget "$budget" -all
