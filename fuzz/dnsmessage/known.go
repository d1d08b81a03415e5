package dnsmessagefuzz

import "github.com/daemonfuzz/daemonfuzz/internal/harness"

// The known dnsmessage defect, tolerated (unless harness.Strict) so that
// fuzzing does not stop at it on every run; everything else about an input
// that shows it is still checked.
//
// K1 (golang.org/x/net v0.62.0): Message.Unpack, Parser.Resource and the
// typed body methods (AResource, NSResource, CNAMEResource, PTRResource,
// MXResource, SRVResource, SOAResource, AAAAResource, OPTResource) decode a
// fixed-layout body without bounding it by RDLENGTH: an A record with
// RDLENGTH 0 (an RFC 2136 UPDATE deletion) takes the next four bytes of the
// message as its address, a name or an EDNS0 option may run past its rdata,
// and an RDLENGTH running past the end of the message goes unnoticed on the
// last record. The parser then moves on by RDLENGTH, so the message is read
// differently from the wire: the Builder writes RDLENGTH 4, and the skip
// methods (which do check RDLENGTH against the message end) reject what
// Unpack accepted. Reproducer: an UPDATE with one A deletion, see
// k1Input in oracle_test.go.
//
// rdataPastLength reports whether a record of data is read past its
// RDLENGTH by dnsmessage (K1), and so whether K1 explains a disagreement.
// Under harness.Strict it never does.
func rdataPastLength(data []byte) bool {
	if strict() {
		return false
	}
	for _, r := range walk(data).records {
		if !boundedByLength(data, r) {
			return true
		}
	}
	return false
}

// strict is harness.Strict; oracle tests turn it on to see K1 reported.
var strict = harness.Strict
