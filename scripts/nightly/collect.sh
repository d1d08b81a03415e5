#!/usr/bin/env bash
# collect.sh: merge what every fuzz job uploaded (downloaded, one directory
# per job, under .fuzzrun/jobs/) into this checkout: work corpora and stats
# series into .fuzzrun/, crash store entries into crashers/. Each job fuzzed
# one target, so their files never overlap; if two jobs hold the same file
# with different contents, nothing is merged and the conflict is named,
# rather than letting the last job's report.json win.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

jobs_dir=.fuzzrun/jobs
shopt -s nullglob
jobs=("$jobs_dir"/*/)
((${#jobs[@]} > 0)) || { log "no fuzz job uploaded anything"; exit 0; }

declare -A from
conflicts=0
for job in "${jobs[@]}"; do
	while IFS= read -r -d '' f; do
		rel=${f#"$job"}
		if [[ -n ${from[$rel]:-} ]] && ! cmp -s "$f" "${from[$rel]}"; then
			printf 'collect: %s differs between %s and %s\n' "$rel" "${from[$rel]}" "$f" >&2
			conflicts=$((conflicts + 1))
		fi
		from[$rel]=$f
	done < <(find "$job" -type f -print0)
done
((conflicts == 0)) || die "$conflicts files conflict between fuzz jobs; nothing merged"

for rel in "${!from[@]}"; do
	case $rel in
	corpus/* | stats/*) dest=.fuzzrun/$rel ;;
	crashers/*) dest=$rel ;;
	*) die "unexpected file in a fuzz job's upload: ${from[$rel]}" ;;
	esac
	mkdir -p "$(dirname "$dest")"
	cp "${from[$rel]}" "$dest"
done
log "collected ${#from[@]} files from ${#jobs[@]} fuzz jobs; crash store entries new or changed:"
changed_entries
