package dnsfuzz

import (
	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// normalMsg returns a deep copy of m in the normal form the round-trip
// oracles compare. Every difference the normal form erases is listed here
// with its reason; anything else that changes across Pack and Unpack is a
// finding.
//
//   - Msg.Compress: a packing option, not message content.
//   - RR_Header.Rdlength: Unpack records the length read from the wire,
//     Pack recomputes it from the rdata; the rdata itself is compared.
//
// Header counts are not in dns.Msg (Unpack derives the sections from them
// and Pack recomputes them from the sections), so a lying count surfaces as
// a section-length difference, never as a tolerated one.
func normalMsg(m *dns.Msg) *dns.Msg {
	c := m.Copy()
	c.Compress = false
	for _, sec := range [][]dns.RR{c.Answer, c.Ns, c.Extra} {
		for _, rr := range sec {
			if rr != nil {
				rr.Header().Rdlength = 0
			}
		}
	}
	return c
}

// equalMsg compares a and b in normal form and returns an oracle Violation
// naming the first field that differs, as a selector path from the
// message ("Answer[0].Hdr.Ttl", "Extra[1].Option[0].Address").
func equalMsg(oracle string, a, b *dns.Msg) error {
	path, detail, ok := firstDiff("Msg", normalMsg(a), normalMsg(b))
	if ok {
		return nil
	}
	return harness.Violated(oracle, path, "%s", detail)
}
