// Package naive holds the "decode only, no seeds" NTP fuzz harnesses that
// bench/ntp/run.sh measures daemonfuzz's NTP targets against: each feeds the
// raw input to one decoder, checks nothing, and starts from an empty corpus.
// They exist only as a baseline and are not part of the suite.
package naive
