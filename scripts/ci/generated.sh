#!/usr/bin/env bash
# generated.sh: generated files are up to date with their generators: the
# OSS-Fuzz and ClusterFuzzLite files (fuzzrun oss-fuzz), the hand-made DHCP
# seeds and dictionaries (corpus/gen/dhcp), and the seeds imported from the
# committed captures (corpus/capture/importer).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

log "fuzzrun oss-fuzz -check"
fuzzrun oss-fuzz -check
log "corpus/gen/dhcp reproduces the committed hand-made seeds"
go run ./corpus/gen/dhcp | tee "$scratch/gen-dhcp.out"
if grep -v ' 0 new' "$scratch/gen-dhcp.out" | grep -q ' new'; then
	die "corpus/gen/dhcp produced seeds that are not committed: regenerate and commit corpus/dhcp*"
fi
git diff --exit-code -- corpus/dhcpv4.dict corpus/dhcpv6.dict
log "corpus/capture: the committed captures and their imported seeds are in sync"
go run ./corpus/capture/importer -check
