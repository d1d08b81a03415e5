#!/usr/bin/env bash
# file.sh: one issue per open crash signature in $GITHUB_REPOSITORY, found
# again by the signature marker in its body (never filed twice), and a
# comment only when the issue has not yet heard of this build. The API is
# $GITHUB_API_URL (set by GitHub Actions; GitHub Enterprise's
# https://HOST/api/v3, or a test server), the token $GITHUB_TOKEN.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

: "${GITHUB_REPOSITORY:?owner/name to file in}" "${GITHUB_TOKEN:?a token that may write issues}"
fuzzrun file -repo "$GITHUB_REPOSITORY" -api-url "${GITHUB_API_URL:-https://api.github.com}"
