#!/usr/bin/env bash
# corpus-pr.sh: propose the grown corpus/ as a pull request from a
# corpus/nightly-$GITHUB_RUN_ID branch (never a push to the default branch,
# $BASE). DRY_RUN=1 commits on the branch locally and prints what it would
# push and propose, contacting nothing.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

: "${GITHUB_RUN_ID:?}" "${BASE:?the branch the pull request targets}"
if [[ -z $(git status --porcelain -- corpus) ]]; then
	log "no input added coverage; nothing to propose"
	exit 0
fi
branch="corpus/nightly-$GITHUB_RUN_ID"
title="corpus: nightly fuzzing growth ($GITHUB_RUN_ID)"
body="Inputs found by nightly fuzzing run ${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/$GITHUB_RUN_ID that reach code the seeds did not (fuzzrun corpus merge). Review the manifest diff, then merge."
git switch -q -c "$branch"
git add -- corpus
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
	commit -q -m "corpus: inputs from nightly fuzzing run $GITHUB_RUN_ID that add coverage"
git show --stat --format='%s' HEAD
if [[ ${DRY_RUN:-} == 1 ]]; then
	log "dry run: would push $branch and open a pull request into $BASE titled \"$title\""
	exit 0
fi
git push origin "$branch"
gh pr create --base "$BASE" --head "$branch" --title "$title" --body "$body"
