# rate.awk: from a `go test -fuzz` log, print "execs seconds execs_per_second"
# where seconds are those spent fuzzing after the baseline-coverage pass
# (DESIGN: total execs divided by fuzzing seconds, not a median of
# interval rates). Durations look like "45s", "3m1s", "1h0m2s".
function secs(d,    n, t, c) {
	sub(/,$/, "", d); t = 0; n = ""
	while (d != "") {
		c = substr(d, 1, 1); d = substr(d, 2)
		if (c ~ /[0-9.]/) { n = n c; continue }
		if (c == "h") t += n * 3600
		else if (c == "m") t += n * 60
		else if (c == "s") t += n
		n = ""
	}
	return t
}
/now fuzzing with/ { start = secs($3) }
/^fuzz: elapsed: .*execs: / { last = secs($3); x = $5; gsub(/,/, "", x); execs = x + 0 }
END {
	s = last - start; if (s <= 0) s = last
	printf "%d %.0f %.0f\n", execs, s, (s > 0 ? execs / s : 0)
}
