#!/usr/bin/env bash
# findings.sh: every reported library finding (findings/*/) still behaves as
# its finding.json says: the standalone reproducer shows the bug against the
# library version in its go.mod and not with its fix.patch, and FINDINGS.md's
# table is up to date (scripts/findings.sh, owned by the findings).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

bash scripts/findings.sh
