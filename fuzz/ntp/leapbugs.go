package ntpfuzz

import (
	"github.com/facebook/time/leapsectz"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Known facebook/time leapsectz bugs. Each is tolerated only outside
// harness.Strict() (see knownbugs.go for the convention), exactly where
// its trigger holds; known_leap_test.go pins both, so a fixed release
// shows.

// v1Unsigned is leapsectz.Parse reading the 32-bit leap time of a version 1
// file as unsigned: RFC 9636 section 3.2 makes it a signed time, so a leap
// before 1970 (negative) comes back as a time after 2038. It holds only
// for a version 1 record with a negative time read as its 32 bits
// unsigned. Kept as crashers/fuzz-ntp.FuzzLeapTZif/d4438bf8b8bd.
func v1Unsigned(block byte, tleap uint64, occur int64) bool {
	return block == 0 && occur < 0 && tleap == uint64(uint32(occur))
}

// v1Truncated: leapsectz.Write(f, 0, ...) writes the low 32 bits of each
// leap time without an error when a time does not fit a version 1 file, so
// the file names other instants than it was given. A writer must refuse
// what the format cannot hold. Kept as
// crashers/fuzz-ntp.FuzzLeapTZif/7a72ded88b2f.
func v1Truncated(file []byte, ls []leapsectz.LeapSecond) error {
	for i, l := range ls {
		if l.Tleap>>32 != 0 {
			return harness.Violated("roundtrip", "Write(0).Tleap", "record %d: time %#x written to a version 1 file (%d octets) without an error, as %#x", i, l.Tleap, len(file), uint32(l.Tleap))
		}
	}
	return nil
}
