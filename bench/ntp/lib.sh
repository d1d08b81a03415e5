# Shared helpers for bench/ntp scripts (sourced, not run).

# execs_per_sec LOG: total execs divided by fuzzing seconds (after the
# baseline coverage pass), from go test's "fuzz: elapsed" lines. When the
# run ended inside the baseline pass (a slow target on a loaded machine) it
# prints "baseline N/M in Ss" instead: no fuzzing rate exists.
execs_per_sec() {
	awk '
		# secs "1h2m3s" -> 3723
		function secs(d,   n, t) {
			t = 0
			while (match(d, /^[0-9]+[hms]/)) {
				n = substr(d, 1, RLENGTH - 1) + 0
				u = substr(d, RLENGTH, 1)
				t += (u == "h" ? 3600 : u == "m" ? 60 : 1) * n
				d = substr(d, RLENGTH + 1)
			}
			return t
		}
		function elapsed(line) { match(line, /elapsed: [0-9hms]+/); return secs(substr(line, RSTART + 9, RLENGTH - 9)) }
		/now fuzzing/ { start = elapsed($0); fuzzing = 1 }
		/starting with empty corpus/ { start = 0; fuzzing = 1 }
		/gathering baseline coverage: [0-9]+\/[0-9]+/ {
			bel = elapsed($0)
			match($0, /[0-9]+\/[0-9]+ completed/); base = substr($0, RSTART, RLENGTH - 10)
		}
		/fuzz: elapsed: .*execs:/ {
			el = elapsed($0)
			match($0, /execs: [0-9]+/); ex = substr($0, RSTART + 7, RLENGTH - 7) + 0
		}
		END {
			if (fuzzing && el > start) printf "%d", ex / (el - start)
			else printf "baseline %s in %ds", base, bel
		}' "$1"
}

# percent COVDIR PKG: statement coverage of PKG in a GOCOVERDIR.
percent() {
	go tool covdata percent -i="$1" -pkg="$2" 2>/dev/null |
		awk -v p="$2" '$1 == p { sub("%", "", $3); print $3; found = 1 } END { if (!found) print "0.0" }'
}

# replay BIN TARGET ENTRIES_DIR COVDIR: run the coverage-instrumented test
# binary BIN on TARGET's seeds (corpus/ via harness.Seed) plus every corpus
# entry in ENTRIES_DIR (may be empty), writing coverage to COVDIR. The
# binary runs in a scratch tree whose go.mod and corpus/ point at the
# repository, so harness.Seed finds the seeds and testdata/ holds the entries.
replay() {
	local bin=$1 target=$2 entries=$3 covdir=$4
	local tree
	tree=$(mktemp -d)
	cp "$ROOT/go.mod" "$tree/"
	ln -s "$ROOT/corpus" "$tree/corpus"
	mkdir -p "$tree/pkg/testdata/fuzz/$target" "$covdir"
	if [ -n "$entries" ] && [ -d "$entries" ]; then
		cp "$entries"/* "$tree/pkg/testdata/fuzz/$target/" 2>/dev/null || true
	fi
	(cd "$tree/pkg" && $NICE "$bin" -test.run="^$target\$" -test.count=1 -test.gocoverdir="$covdir" >/dev/null 2>&1) || true
	rm -rf "$tree"
}
