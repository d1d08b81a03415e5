#!/usr/bin/env bash
# build.sh: formatting, build and vet of every package, the nested suite
# modules' too.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
	printf '%s\n' "$unformatted" >&2
	die "files above are not gofmt-formatted: run gofmt -w on them"
fi
go build ./...
go vet ./...
for m in $(suite_modules); do
	log "build and vet $m"
	(cd "$m" && go build ./... && go vet ./...)
done
