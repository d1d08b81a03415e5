#!/usr/bin/env bash
# test.sh: the README's test command. Without -short it includes the slow
# tests: the nightly workflow run end to end (internal/ci), the web report
# in a headless browser, the coverage and curation runs.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

go test ./...
