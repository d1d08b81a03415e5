#!/usr/bin/env bash
# fuzz.sh: fuzz one target ($TARGET, pkgdir:FuzzXxx) for $BUDGET (a Go
# duration; PARALLEL workers, default one per core) from the work corpus the cache restored, then put what this job
# produced under .fuzzrun/out/ for the artifact: the target's work corpus,
# its stats series, and only the crash store entries it added or changed
# (crashers/<target>/<id>/), never the committed store.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

: "${TARGET:?pkgdir:FuzzXxx to fuzz}" "${BUDGET:?per-target fuzzing time, a Go duration}"
# "pkgdir:FuzzXxx$" selects exactly that target, not FuzzXxxY; one process
# with a worker per core (PARALLEL).
status=0
fuzzrun run -per-target "$BUDGET" -jobs 1 -parallel "${PARALLEL:-$(nproc)}" "${TARGET}\$" || status=$?
# 3: crashes were found and stored; the file job triages and files them.
if [[ $status != 0 && $status != 3 ]]; then
	die "fuzzrun run $TARGET failed (exit $status)"
fi

out=.fuzzrun/out
rm -rf "$out"
mkdir -p "$out/crashers"
for d in corpus stats; do
	if [[ -d .fuzzrun/$d ]]; then
		cp -a ".fuzzrun/$d" "$out/$d"
	fi
done
n=0
while read -r entry; do
	mkdir -p "$out/$(dirname "$entry")"
	cp -a "$entry" "$out/$entry"
	n=$((n + 1))
done < <(changed_entries)
log "$TARGET: $n crash store entries new or changed"
