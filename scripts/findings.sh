#!/usr/bin/env bash
# findings.sh: re-run every finding's standalone reproducer (findings/*/repro)
# against the library version in its go.mod (expected: present, unless its
# finding.json says the bug is fixed) and with its fix.patch applied to a
# copy of that version (expected: fixed), print a table, and exit 1 when an
# outcome disagrees with findings/*/finding.json or FINDINGS.md's table is
# stale. Flags go to findings/check: -write regenerates FINDINGS.md's table,
# -table skips the reproducers, -run SUBSTR selects findings.
# Offline it needs the reproducers' modules in the module cache.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./findings/check "$@"
