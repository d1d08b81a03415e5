package ntpfuzz

import (
	"math"

	"github.com/facebook/time/leapsectz"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Known facebook/time leapsectz bugs. Each is tolerated only outside
// harness.Strict() (see knownbugs.go for the convention), exactly where
// its trigger holds; known_leap_test.go pins it, so a fixed release
// shows.

// v1Truncated: leapsectz.Write(f, 0, ...) writes the low 32 bits of each
// leap time without an error when a time does not fit a version 1 file
// (fitsV1), so the file names other instants than it was given (or, from
// 2^31 on, a negative time the RFC forbids). A writer must refuse what the
// format cannot hold. Kept as crashers/fuzz-ntp.FuzzLeapTZif/7a72ded88b2f,
// written up as findings/fbtime-leapsectz-write-v1-range.
func v1Truncated(file []byte, ls []leapsectz.LeapSecond) error {
	for i, l := range ls {
		if l.Tleap > math.MaxInt32 {
			return harness.Violated("roundtrip", "Write(0).Tleap", "record %d: time %#x written to a version 1 file (%d octets) without an error, as %#x", i, l.Tleap, len(file), uint32(l.Tleap))
		}
	}
	return nil
}
