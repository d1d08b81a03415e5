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
