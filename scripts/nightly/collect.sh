#!/usr/bin/env bash
# collect.sh: merge what every fuzz job uploaded (downloaded, one directory
# per job, under .fuzzrun/jobs/) into this checkout: work corpora and stats
# series into .fuzzrun/, crash store entries into crashers/. Each job fuzzed
# one target, so their files never overlap; if two jobs hold the same file
# with different contents, nothing is merged and the conflict is named,
# rather than letting the last job's report.json win.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

shopt -s nullglob
jobs=(.fuzzrun/jobs/*/)
((${#jobs[@]} > 0)) || { log "no fuzz job uploaded anything"; exit 0; }

for job in "${jobs[@]}"; do
	for top in "$job"*; do
		case $(basename "$top") in
		corpus | stats | crashers) ;;
		*) die "unexpected $top in a fuzz job's upload (want corpus/, stats/, crashers/)" ;;
		esac
	done
done
conflicts=0
while IFS= read -r rel; do
	first=""
	for job in "${jobs[@]}"; do
		[[ -f $job$rel ]] || continue
		if [[ -z $first ]]; then
			first=$job$rel
		elif ! cmp -s "$first" "$job$rel"; then
			printf 'collect: %s differs between %s and %s\n' "$rel" "$first" "$job$rel" >&2
			conflicts=$((conflicts + 1))
		fi
	done
done < <(for job in "${jobs[@]}"; do (cd "$job" && find . -type f | sed 's|^\./||'); done | sort | uniq -d)
((conflicts == 0)) || die "$conflicts files conflict between fuzz jobs; nothing merged"

for job in "${jobs[@]}"; do
	for d in corpus stats; do
		if [[ -d $job$d ]]; then
			mkdir -p ".fuzzrun/$d"
			cp -R "$job$d/." ".fuzzrun/$d/"
		fi
	done
	if [[ -d ${job}crashers ]]; then
		mkdir -p crashers
		cp -R "${job}crashers/." crashers/
	fi
done
log "collected the uploads of ${#jobs[@]} fuzz jobs; crash store entries new or changed:"
changed_entries
