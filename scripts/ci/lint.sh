#!/usr/bin/env bash
# lint.sh: staticcheck on every package, actionlint (with shellcheck) on the
# workflows, shellcheck on the repository's scripts, and the workflows'
# hardening rules (internal/ci).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

log "staticcheck ${STATICCHECK##*@}"
staticcheck=$(tool "$STATICCHECK")
"$staticcheck" ./...
for m in $(suite_modules); do
	(cd "$m" && "$staticcheck" ./...)
done
command -v shellcheck >/dev/null || die "shellcheck is missing (scripts/ci/tools.sh installs it)"
log "actionlint ${ACTIONLINT##*@}"
"$(tool "$ACTIONLINT")"
log "shellcheck"
shellcheck -x .ci/run scripts/*.sh scripts/ci/*.sh scripts/nightly/*.sh
log "workflow rules (internal/ci)"
go test -count=1 -run 'TestRepo' ./internal/ci/
