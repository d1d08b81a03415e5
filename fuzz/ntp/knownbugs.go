package ntpfuzz

import (
	"github.com/facebook/time/ntp/control"
	"github.com/facebook/time/ntp/protocol"
	"os"

	"fmt"
	"runtime/debug"
	"strings"
)

// knownPanic is a dependency crash that has been reported (its crasher is in
// the crash store) and not yet fixed. A target recovers exactly these, so
// fuzzing goes on past an old bug instead of stopping at it forever. A
// panic matches when its message contains msg and its stack contains frame.
type knownPanic struct {
	frame  string
	msg    string
	report string // the crasher that documents it
}

// strict turns every suppression in this file off, so a kept crasher
// reproduces (for triage, or to check whether a dependency fixed it):
//
//	NTPFUZZ_STRICT=1 go test -run=FuzzClient/<hash> ./fuzz/ntp
var strict = os.Getenv("NTPFUZZ_STRICT") != ""

var knownPanics = []knownPanic{
	// beevik/ntp v1.6.0 toInterval negates an int8 exponent: -(-128) is -128,
	// so a reply with poll or precision 0x80 panics the client.
	{frame: "github.com/beevik/ntp.toInterval", msg: "negative shift amount", report: "crashers/fuzz-ntp.FuzzClient/95a8e9af60f0"},
	// beevik/ntp v1.6.0 queryV5 slices extension field bodies by their
	// declared length without checking it against the 4-octet header (and the
	// MAC, server-info and draft-id bodies against their own minimums): an
	// NTPv5 reply with a field length below 4 panics the client.
	{frame: "github.com/beevik/ntp.queryV5", msg: "slice bounds out of range", report: "crashers/fuzz-ntp.FuzzClient/690de6c9b106"},
}

// withKnownPanics runs fn and turns a known panic into a skipped input; any
// other panic propagates with its original stack.
func withKnownPanics[R any](fn func() (R, []byte, error)) (r R, wire []byte, err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if strict {
			panic(v)
		}
		msg, stack := fmt.Sprint(v), string(debug.Stack())
		for _, k := range knownPanics {
			if strings.Contains(msg, k.msg) && strings.Contains(stack, k.frame) {
				err = fmt.Errorf("ntpfuzz: known panic (%s): %v", k.report, v)
				return
			}
		}
		panic(v)
	}()
	return fn()
}

// tolerateAssocCount is the known facebook/time control bug: GetAssociations
// reads Count/4 entries, but after a fragmented reply Count is the last
// datagram's count while Data holds every fragment's, so the associations of
// all but the last fragment are dropped. Reported as the crasher
// crashers/fuzz-ntp.FuzzControl/26826b137a2b. For a fragmented reply
// the oracle then expects exactly the first Count/4 entries, nothing looser.
func tolerateAssocCount(msg *control.NTPControlMsg, fragmented bool) bool {
	return !strict && fragmented && int(msg.Count) < len(msg.Data)
}

// tolerateCriticalUnknown is the known facebook/time ntske client bug: RFC
// 8915 section 4 says a record with the critical bit set and an unrecognised
// type MUST be treated as an error, but Client.interpret ignores every
// unknown record. Kept as crashers/fuzz-ntp.FuzzNTSKEClient/8fe31e5d003e;
// tolerated only when that is the sole reason the response is invalid.
func tolerateCriticalUnknown(why string) bool {
	return !strict && strings.HasPrefix(why, criticalUnknown)
}

// tolerateMACFraming covers two documented ambiguities of facebook/time's
// trailer split (protocol.splitTrailer), not crashes. It follows the NTS
// profile (RFC 8915 5.1: extension fields of 4 octets and up) where RFC 7822
// 7.5.1.4 requires 16 octets and up, plus 28 for the last field of a
// MAC-less packet, precisely so that fields and a MAC cannot be confused:
//   - a MAC whose key identifier's low 16 bits frame its own octets as
//     extension fields is read as fields;
//   - fields plus a MAC adding up to 4, 20 or 24 octets are read whole as
//     one MAC (for example a 4-octet field and an MD5 MAC read as SHA-1).
//
// Either way the packet does not round-trip; the first input is kept in
// crashers/fuzz-ntp.FuzzNTPStructured/41909882640a. Tolerated only when
// a MAC was appended and one of the two shapes holds.
func tolerateMACFraming(efs []protocol.ExtensionField, mac []byte) bool {
	if mac == nil || strict {
		return false
	}
	if _, err := protocol.ParseExtensionFields(mac); err == nil {
		return true
	}
	n := len(mac)
	for _, ef := range efs {
		n += ef.EncodedSize()
	}
	return len(efs) > 0 && (n == 4 || n == 20 || n == 24)
}
