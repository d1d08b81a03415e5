package dnsfuzz

import (
	"bytes"
	"encoding/binary"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Truncate fuzzes what a server does to a reply before sending it:
// Msg.Copy and Msg.Truncate. data is a DNS message; its last two bytes also
// pick the buffer size (512-4607 bytes). It checks:
//
//   - copy at a field path: Copy is deeply equal to the original;
//   - copy at "Aliasing": changing every record of the copy leaves the
//     original's wire form unchanged (Copy is deep);
//   - invariant at "Truncate.Len": the truncated message packs into the
//     size asked for, unless the header, question and OPT alone exceed it;
//   - invariant at "Truncate.Prefix": every section keeps a prefix of its
//     records, in order, and the OPT record survives;
//   - invariant at "Truncate.TC": TC is set exactly when a record was
//     dropped (or it was set already).
//
// Known miekg/dns bugs are suppressed exactly (see knownBugs). A message
// with a TSIG is left alone by Truncate (documented), so only
// the copy checks apply to it.
func Truncate(data []byte) error {
	var m dns.Msg
	if err := m.Unpack(data); err != nil {
		return nil
	}
	if err := checkCopy(&m); err != nil {
		// checkCopy may have changed m through a shallow copy; judge
		// the known bugs on a fresh decode.
		var fresh dns.Msg
		_ = fresh.Unpack(data)
		return unlessKnown(err, &fresh, fromWire, checkCopy)
	}
	_ = m.Unpack(data) // undo any change leaked through a shallow Copy
	size := dns.MinMsgSize
	if len(data) >= 2 {
		size += int(binary.BigEndian.Uint16(data[len(data)-2:]) % 4096)
	}
	return checkTruncate(&m, size)
}

func checkCopy(m *dns.Msg) error {
	c := copyMsg(m)
	if path, detail, ok := firstDiff("Msg", sectionsNilIfEmpty(m), sectionsNilIfEmpty(c)); !ok {
		return harness.Violated("copy", path, "%s", detail)
	}
	before, err := m.Pack()
	if err != nil {
		return nil
	}
	for _, sec := range [][]dns.RR{c.Answer, c.Ns, c.Extra} {
		for _, rr := range sec {
			mutateRR(rr)
		}
	}
	for i := range c.Question {
		c.Question[i].Name = "mutated."
	}
	after, err := m.Pack()
	if err != nil || !bytes.Equal(before, after) {
		return harness.Violated("copy", "Aliasing", "changing the copy changed the original (pack error %v)", err)
	}
	return nil
}

// sectionsNilIfEmpty is a shallow copy of m with empty sections nil.
// Tolerated: Copy returns empty, non-nil sections for nil ones; a section
// of no records is the same message either way.
func sectionsNilIfEmpty(m *dns.Msg) *dns.Msg {
	c := *m
	for _, sec := range []*[]dns.RR{&c.Answer, &c.Ns, &c.Extra} {
		if len(*sec) == 0 {
			*sec = nil
		}
	}
	if len(c.Question) == 0 {
		c.Question = nil
	}
	return &c
}

// mutateRR changes a record's header and the first element of its slice
// fields in place, where a shallow copy would share them.
func mutateRR(rr dns.RR) {
	h := rr.Header()
	h.Ttl ^= 0xffffffff
	h.Name = "mutated."
	switch r := rr.(type) {
	case *dns.A:
		if len(r.A) > 0 {
			r.A[0] ^= 0xff
		}
	case *dns.AAAA:
		if len(r.AAAA) > 0 {
			r.AAAA[0] ^= 0xff
		}
	case *dns.TXT:
		if len(r.Txt) > 0 {
			r.Txt[0] = "mutated"
		}
	case *dns.NSEC:
		if len(r.TypeBitMap) > 0 {
			r.TypeBitMap[0]++
		}
	case *dns.OPT:
		for _, o := range r.Option {
			switch e := o.(type) {
			case *dns.EDNS0_SUBNET:
				if len(e.Address) > 0 {
					e.Address[0] ^= 0xff
				}
			case *dns.EDNS0_DAU:
				if len(e.AlgCode) > 0 {
					e.AlgCode[0] ^= 0xff
				}
			}
		}
	case *dns.SVCB:
		mutateSVCB(r.Value)
	case *dns.HTTPS:
		mutateSVCB(r.Value)
	}
}

func mutateSVCB(vals []dns.SVCBKeyValue) {
	for _, v := range vals {
		switch p := v.(type) {
		case *dns.SVCBIPv4Hint:
			for _, ip := range p.Hint {
				if len(ip) > 0 {
					ip[0] ^= 0xff
				}
			}
		case *dns.SVCBAlpn:
			if len(p.Alpn) > 0 {
				p.Alpn[0] = "mutated"
			}
		case *dns.SVCBECHConfig:
			if len(p.ECH) > 0 {
				p.ECH[0] ^= 0xff
			}
		}
	}
}

func checkTruncate(m *dns.Msg, size int) error {
	if m.IsTsig() != nil {
		return nil
	}
	if _, err := m.Pack(); err != nil {
		return nil // Truncate assumes a packable message
	}
	t := m.Copy()
	truncateMsg(t, size)
	opt := m.IsEdns0()
	if opt != nil && t.IsEdns0() == nil {
		return harness.Violated("invariant", "Truncate.Prefix", "the OPT record was dropped")
	}
	dropped := false
	for _, s := range []struct {
		name string
		a, b []dns.RR
	}{{"Answer", m.Answer, t.Answer}, {"Ns", m.Ns, t.Ns}, {"Extra", withoutOPT(m.Extra), withoutOPT(t.Extra)}} {
		if len(s.b) > len(s.a) {
			return harness.Violated("invariant", "Truncate.Prefix", "%s grew from %d to %d records", s.name, len(s.a), len(s.b))
		}
		for i := range s.b {
			if s.a[i].String() != s.b[i].String() {
				return harness.Violated("invariant", "Truncate.Prefix", "%s[%d] changed: %s -> %s", s.name, i, s.a[i], s.b[i])
			}
		}
		dropped = dropped || len(s.b) < len(s.a)
	}
	if t.Truncated != (m.Truncated || dropped) {
		return harness.Violated("invariant", "Truncate.TC", "TC=%v, original TC=%v, records dropped=%v", t.Truncated, m.Truncated, dropped)
	}
	w, err := t.Pack()
	if err != nil {
		return harness.Violated("invariant", "Truncate.Len", "truncated message does not pack: %v", err)
	}
	if len(w) > size && len(w) > fixedPartLen(t) {
		return harness.Violated("invariant", "Truncate.Len", "truncated to %d bytes for a %d-byte buffer (%d records left)", len(w), size, len(t.Answer)+len(t.Ns)+len(t.Extra))
	}
	return nil
}

// copyMsg is the implementation under test; oracle tests replace it with a
// deliberately wrong one to prove the copy oracles fire.
var copyMsg = (*dns.Msg).Copy

// truncateMsg is the implementation under test; oracle tests replace it
// with a deliberately wrong one to prove the oracles fire.
var truncateMsg = func(m *dns.Msg, size int) { m.Truncate(size) }

func withoutOPT(rrs []dns.RR) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype != dns.TypeOPT {
			out = append(out, rr)
		}
	}
	return out
}

// fixedPartLen is the packed length of m's header, questions and OPT: what
// Truncate cannot remove.
func fixedPartLen(m *dns.Msg) int {
	f := &dns.Msg{MsgHdr: m.MsgHdr, Question: m.Question, Compress: true}
	if opt := m.IsEdns0(); opt != nil {
		f.Extra = []dns.RR{opt}
	}
	w, err := f.Pack()
	if err != nil {
		return 0
	}
	return len(w)
}
