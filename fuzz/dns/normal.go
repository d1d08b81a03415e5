package dnsfuzz

import (
	"net"

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
//   - EDNS0_SUBNET.Address bits past SOURCE PREFIX-LENGTH: RFC 7871
//     section 6 says the address MUST be truncated to the source prefix
//     and padded with zero bits; Unpack keeps what a non-conforming sender
//     put there (rejecting it with FORMERR is the server's decision, which
//     the section leaves to it) and Pack writes the form the RFC requires.
//     Compared masked to the source prefix.
//   - APLPrefix.Network.IP bits past PREFIX: RFC 3123 section 4.1/4.2
//     defines PREFIX as the number of address bits that count, so the
//     bits after it bear no information and the RFC sets no value for
//     them; Pack writes them as zero. Compared masked to the prefix. What
//     the RFC does require, no trailing zero octets in AFDPART, stays
//     checked: Unpack rejects such an AFDPART, so a Pack that wrote one
//     fails the round trip at "Unpack".
//
// Header counts are not in dns.Msg (Unpack derives the sections from them
// and Pack recomputes them from the sections), so a lying count surfaces as
// a section-length difference, never as a tolerated one.
func normalMsg(m *dns.Msg) *dns.Msg {
	c := m.Copy()
	c.Compress = false
	for _, sec := range [][]dns.RR{c.Answer, c.Ns, c.Extra} {
		for _, rr := range sec {
			if rr == nil {
				continue
			}
			rr.Header().Rdlength = 0
			switch r := rr.(type) {
			case *dns.OPT:
				for i, o := range r.Option {
					if s, ok := o.(*dns.EDNS0_SUBNET); ok {
						r.Option[i] = maskedSubnet(s)
					}
				}
			case *dns.APL:
				r.Prefixes = maskedAPL(r.Prefixes)
			}
		}
	}
	return c
}

// maskedSubnet is a copy of s with the address bits past the source
// prefix cleared (a copy: Msg.Copy shares Address with the original).
func maskedSubnet(s *dns.EDNS0_SUBNET) *dns.EDNS0_SUBNET {
	c := *s
	switch {
	case s.Family == 1 && s.Address.To4() != nil && s.SourceNetmask <= 32:
		c.Address = s.Address.To4().Mask(net.CIDRMask(int(s.SourceNetmask), 32)).To16()
	case s.Family == 2 && len(s.Address) == net.IPv6len && s.SourceNetmask <= 128:
		c.Address = s.Address.Mask(net.CIDRMask(int(s.SourceNetmask), 128))
	}
	return &c
}

// maskedAPL is a copy of ps with each network's address bits past its
// prefix cleared.
func maskedAPL(ps []dns.APLPrefix) []dns.APLPrefix {
	out := make([]dns.APLPrefix, len(ps))
	for i, p := range ps {
		out[i] = p
		if len(p.Network.IP) == len(p.Network.Mask) {
			out[i].Network.IP = p.Network.IP.Mask(p.Network.Mask)
		}
	}
	return out
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
