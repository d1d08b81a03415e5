package dnsfuzz

import (
	"fmt"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// equalMsg compares two unpacked messages field by field and returns a
// roundtrip Violation naming the first field that differs.
//
// Tolerated differences, and why:
//   - Msg.Compress: a packing option, not message content.
//   - RR_Header.Rdlength: Unpack records the length read from the wire, Pack
//     recomputes it; only the rdata itself is compared.
func equalMsg(a, b *dns.Msg) error {
	if a.MsgHdr != b.MsgHdr {
		return harness.Violated("roundtrip", "MsgHdr", "%+v != %+v", a.MsgHdr, b.MsgHdr)
	}
	if len(a.Question) != len(b.Question) {
		return harness.Violated("roundtrip", "len(Question)", "%d != %d", len(a.Question), len(b.Question))
	}
	for i := range a.Question {
		if a.Question[i] != b.Question[i] {
			return harness.Violated("roundtrip", fmt.Sprintf("Question[%d]", i), "%v != %v", a.Question[i], b.Question[i])
		}
	}
	for _, s := range []struct {
		name string
		a, b []dns.RR
	}{{"Answer", a.Answer, b.Answer}, {"Ns", a.Ns, b.Ns}, {"Extra", a.Extra, b.Extra}} {
		if err := equalRRs(s.name, s.a, s.b); err != nil {
			return err
		}
	}
	return nil
}

func equalRRs(section string, a, b []dns.RR) error {
	if len(a) != len(b) {
		return harness.Violated("roundtrip", "len("+section+")", "%d != %d", len(a), len(b))
	}
	for i := range a {
		field := fmt.Sprintf("%s[%d]", section, i)
		ha, hb := *a[i].Header(), *b[i].Header()
		ha.Rdlength, hb.Rdlength = 0, 0
		if ha != hb {
			return harness.Violated("roundtrip", field+".Hdr", "%+v != %+v", ha, hb)
		}
		if sa, sb := a[i].String(), b[i].String(); sa != sb {
			return harness.Violated("roundtrip", field+"."+dns.TypeToString[ha.Rrtype], "%q != %q", sa, sb)
		}
	}
	return nil
}
