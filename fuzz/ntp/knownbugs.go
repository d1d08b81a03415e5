package ntpfuzz

import (
	"strings"

	"github.com/facebook/time/ntp/control"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Known bugs of the libraries under test, each kept in the crash store.
//
// The two beevik/ntp v1.6.0 client panics (toInterval's negative shift on a
// poll or precision of 0x80, crashers/fuzz-ntp.FuzzClient/95a8e9af60f0, and
// queryV5 slicing an extension field shorter than its 4-octet header,
// .../690de6c9b106) are not handled here: crashers/suppressions.txt lists
// their exact signatures and harness.Check skips them.
//
// The oracle tolerances below each cover one reported behaviour, as narrowly
// as its trigger. harness.Strict() (DAEMONFUZZ_NO_SUPPRESS=1, set by
// fuzzrun triage) turns every one of them off, so the kept crashers
// reproduce:
//
//	DAEMONFUZZ_NO_SUPPRESS=1 go test -run=FuzzControl/<hash> ./fuzz/ntp

// tolerateAssocCount is the known facebook/time control bug: GetAssociations
// reads Count/4 entries, but after a fragmented reply Count is the last
// datagram's count while Data holds every fragment's, so the associations of
// all but the last fragment are dropped. Reported as the crasher
// crashers/fuzz-ntp.FuzzControl/26826b137a2b. For a fragmented reply
// the oracle then expects exactly the first Count/4 entries, nothing looser.
func tolerateAssocCount(msg *control.NTPControlMsg, fragmented bool) bool {
	return !harness.Strict() && fragmented && int(msg.Count) < len(msg.Data)
}

// tolerateCriticalUnknown is the known facebook/time ntske client bug: RFC
// 8915 section 4 says a record with the critical bit set and an unrecognised
// type MUST be treated as an error, but Client.interpret ignores every
// unknown record. Kept as crashers/fuzz-ntp.FuzzNTSKEClient/8fe31e5d003e;
// tolerated only when that is the sole reason the response is invalid.
func tolerateCriticalUnknown(why string) bool {
	return !harness.Strict() && strings.HasPrefix(why, criticalUnknown)
}
