#!/usr/bin/env bash
# triage.sh: replay every stored crash (committed and collected) against
# this checkout and set its status.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

status=0
fuzzrun triage || status=$?
# 3: open or flaky crashes remain, which is what file.sh files.
if [[ $status != 0 && $status != 3 ]]; then
	die "fuzzrun triage failed (exit $status)"
fi
