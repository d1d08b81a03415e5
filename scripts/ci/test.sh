#!/usr/bin/env bash
# test.sh: the README's test command. Without -short it includes the slow
# tests: the nightly workflow run end to end (internal/ci), the web report
# in a headless browser, the coverage and curation runs. -timeout 20m: at a
# load of 35 on 2 cores internal/ci alone took 562 s of go test's default
# 10 minutes (about 70 s of CPU).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

go test -timeout 20m ./...
go -C fuzz/coredns test ./...

# The network-namespace tests and targets (internal/netns, fuzz/ntpns,
# fuzz/dhcp's FuzzNS*) need CAP_SYS_ADMIN and CAP_NET_ADMIN. As root
# (.ci/run) they ran above; as a user (GitHub's runners) they skipped, so
# run their test binaries again as root through passwordless sudo. The
# binaries are built as the user, so root never writes to the user's Go
# caches; each runs in its package directory, as go test runs it.
if [[ $(id -u) != 0 ]]; then
	if ! sudo -n true 2>/dev/null; then
		log "not root and no passwordless sudo: the network-namespace tests skipped (see their skip messages)"
		exit 0
	fi
	for pkg in internal/netns fuzz/ntpns fuzz/dhcp; do
		bin=$scratch/$(basename "$pkg").test
		go test -c -o "$bin" "./$pkg"
		log "as root: go test ./$pkg"
		(cd "$pkg" && as_root "$bin" -test.count=1 -test.timeout=10m)
	done
fi
