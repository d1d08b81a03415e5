#!/usr/bin/env bash
# smoke.sh: fuzz every suite target (fuzzrun run's default) briefly through the runner
# (SMOKE_TIME each, default 2s), in a throwaway work directory. A crash
# (exit 3) is printed, not fatal: CI does not gate on what random mutation
# reaches; a target that does not build or whose seeds fail is.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

status=0
fuzzrun run -per-target "${SMOKE_TIME:-2s}" -jobs 2 -workdir "$scratch/work" || status=$?
case $status in
0) ;;
3)
	log "crashes found (exit 3): they are the nightly's to triage and file"
	mapfile -t found < <(changed_entries)
	((${#found[@]} == 0)) || fuzzrun report "${found[@]}"
	;;
*) die "fuzzrun run failed (exit $status): a target does not build, or its own seeds fail" ;;
esac
