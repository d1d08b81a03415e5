package dnsfuzz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Differential decodes data with miekg/dns and with
// golang.org/x/net/dns/dnsmessage (the parser of Go's own resolver) and
// requires them to agree:
//
//   - on accept/reject, for messages whose records all have a type both
//     decode (sharedTypes), unless a documented divergence explains the
//     disagreement (see divergences.go);
//   - when both accept: the header, the questions, and every record's
//     header (name, type, class, TTL) field by field, and the rdata of
//     A/AAAA/CNAME/NS/PTR/MX/TXT/SRV/SOA/OPT/SVCB/HTTPS and of types
//     neither models (raw bytes).
//
// Violations are oracle "differential" at the first field that differs.
func Differential(data []byte) error {
	var mm dns.Msg
	mErr := mm.Unpack(data)
	dm, dErr := secondDecoder(data)
	// Every decoder reads every input before anything is compared (a
	// panic in any is a finding); see decoders.go.
	ref, others := v1View(&mm, mErr), []wireView{v2View(data), gopacketView(data)}
	if err := compareTwo(data, &mm, mErr, &dm, dErr); err != nil {
		return err
	}
	for i := range others {
		if err := compareViews(data, &ref, &others[i]); err != nil {
			return err
		}
	}
	return nil
}

// compareTwo is the miekg/dns v1 against dnsmessage comparison, field by
// field down to the rdata.
func compareTwo(data []byte, mm *dns.Msg, mErr error, dm *dnsmessage.Message, dErr error) error {
	switch {
	case mErr != nil && dErr != nil:
		return nil
	case mErr != nil:
		if d := explainMiekgReject(data, dm, mErr); d != "" {
			return nil
		}
		return harness.Violated("differential", "Accept", "miekg/dns rejects what dnsmessage accepts: %v", mErr)
	case dErr != nil:
		if d := explainDnsmessageReject(data, mm, dErr); d != "" {
			return nil
		}
		return harness.Violated("differential", "Accept", "dnsmessage rejects what miekg/dns accepts: %v\n%s", dErr, mm)
	}
	if d := explainEither(data); d != "" || mandatoryUnsorted(mm) {
		return nil
	}
	return compareMessages(mm, dm)
}

// secondDecoder is the independent implementation; oracle tests replace
// it with a deliberately wrong one to prove the oracle fires.
var secondDecoder = func(data []byte) (dnsmessage.Message, error) {
	var dm dnsmessage.Message
	err := dm.Unpack(data)
	return dm, err
}

func compareMessages(mm *dns.Msg, dm *dnsmessage.Message) error {
	h := dm.Header
	got := []any{h.ID, h.Response, int(h.OpCode), h.Authoritative, h.Truncated, h.RecursionDesired, h.RecursionAvailable, h.AuthenticData, h.CheckingDisabled, int(h.RCode) & 0xf}
	want := []any{mm.Id, mm.Response, mm.Opcode, mm.Authoritative, mm.Truncated, mm.RecursionDesired, mm.RecursionAvailable, mm.AuthenticatedData, mm.CheckingDisabled, mm.Rcode & 0xf}
	names := []string{"Id", "Response", "Opcode", "Authoritative", "Truncated", "RecursionDesired", "RecursionAvailable", "AuthenticatedData", "CheckingDisabled", "Rcode"}
	for i := range got {
		if got[i] != want[i] {
			return harness.Violated("differential", "MsgHdr."+names[i], "miekg %v, dnsmessage %v", want[i], got[i])
		}
	}
	if len(mm.Question) != len(dm.Questions) {
		return harness.Violated("differential", "len(Question)", "miekg %d, dnsmessage %d", len(mm.Question), len(dm.Questions))
	}
	for i, q := range mm.Question {
		dq := dm.Questions[i]
		f := fmt.Sprintf("Question[%d]", i)
		if a, b := rawName(q.Name), dq.Name.String(); a != b {
			return harness.Violated("differential", f+".Name", "miekg %q, dnsmessage %q", a, b)
		}
		if q.Qtype != uint16(dq.Type) || q.Qclass != uint16(dq.Class) {
			return harness.Violated("differential", f+".Qtype", "miekg %d/%d, dnsmessage %d/%d", q.Qtype, q.Qclass, dq.Type, dq.Class)
		}
	}
	for _, s := range []struct {
		name string
		m    []dns.RR
		d    []dnsmessage.Resource
	}{{"Answer", mm.Answer, dm.Answers}, {"Ns", mm.Ns, dm.Authorities}, {"Extra", mm.Extra, dm.Additionals}} {
		if len(s.m) != len(s.d) {
			return harness.Violated("differential", "len("+s.name+")", "miekg %d, dnsmessage %d", len(s.m), len(s.d))
		}
		for i := range s.m {
			if err := compareRR(fmt.Sprintf("%s[%d]", s.name, i), s.m[i], &s.d[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func compareRR(field string, rr dns.RR, dr *dnsmessage.Resource) error {
	h, dh := rr.Header(), dr.Header
	if a, b := rawName(h.Name), dh.Name.String(); a != b {
		return harness.Violated("differential", field+".Hdr.Name", "miekg %q, dnsmessage %q", a, b)
	}
	if h.Rrtype != uint16(dh.Type) {
		return harness.Violated("differential", field+".Hdr.Rrtype", "miekg %d, dnsmessage %d", h.Rrtype, dh.Type)
	}
	if h.Class != uint16(dh.Class) {
		return harness.Violated("differential", field+".Hdr.Class", "miekg %d, dnsmessage %d", h.Class, dh.Class)
	}
	if h.Ttl != dh.TTL {
		return harness.Violated("differential", field+".Hdr.Ttl", "miekg %d, dnsmessage %d", h.Ttl, dh.TTL)
	}
	field += "." + dns.TypeToString[h.Rrtype]
	got, want := rdataViews(rr, dr.Body)
	if got == nil {
		return nil // a type only one side models: headers compared above
	}
	if len(got) != len(want) {
		return harness.Violated("differential", field, "miekg %q, dnsmessage %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			return harness.Violated("differential", fmt.Sprintf("%s[%d]", field, i), "miekg %q, dnsmessage %q", got[i], want[i])
		}
	}
	return nil
}

// rdataViews renders the rdata of a record both libraries model as lists of
// comparable strings (names in dnsmessage's raw dotted form). It returns
// nil when only one side models the type.
func rdataViews(rr dns.RR, body dnsmessage.ResourceBody) (m, d []string) {
	u := func(v ...any) []string {
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x)
		}
		return out
	}
	switch b := body.(type) {
	case *dnsmessage.AResource:
		if r, ok := rr.(*dns.A); ok {
			return u(r.A.To4().String()), u(fmt.Sprintf("%d.%d.%d.%d", b.A[0], b.A[1], b.A[2], b.A[3]))
		}
	case *dnsmessage.AAAAResource:
		if r, ok := rr.(*dns.AAAA); ok {
			return u(fmt.Sprintf("%x", []byte(r.AAAA.To16()))), u(fmt.Sprintf("%x", b.AAAA[:]))
		}
	case *dnsmessage.CNAMEResource:
		if r, ok := rr.(*dns.CNAME); ok {
			return u(rawName(r.Target)), u(b.CNAME.String())
		}
	case *dnsmessage.NSResource:
		if r, ok := rr.(*dns.NS); ok {
			return u(rawName(r.Ns)), u(b.NS.String())
		}
	case *dnsmessage.PTRResource:
		if r, ok := rr.(*dns.PTR); ok {
			return u(rawName(r.Ptr)), u(b.PTR.String())
		}
	case *dnsmessage.MXResource:
		if r, ok := rr.(*dns.MX); ok {
			return u(r.Preference, rawName(r.Mx)), u(b.Pref, b.MX.String())
		}
	case *dnsmessage.SRVResource:
		if r, ok := rr.(*dns.SRV); ok {
			return u(r.Priority, r.Weight, r.Port, rawName(r.Target)), u(b.Priority, b.Weight, b.Port, b.Target.String())
		}
	case *dnsmessage.SOAResource:
		if r, ok := rr.(*dns.SOA); ok {
			return u(rawName(r.Ns), rawName(r.Mbox), r.Serial, r.Refresh, r.Retry, r.Expire, r.Minttl),
				u(b.NS.String(), b.MBox.String(), b.Serial, b.Refresh, b.Retry, b.Expire, b.MinTTL)
		}
	case *dnsmessage.TXTResource:
		if r, ok := rr.(*dns.TXT); ok {
			return rawTxt(r.Txt), b.TXT
		}
	case *dnsmessage.OPTResource:
		if r, ok := rr.(*dns.OPT); ok {
			var dd []string
			for _, o := range b.Options {
				dd = append(dd, fmt.Sprintf("%d:%x", o.Code, o.Data))
			}
			return opaqueDecoded(tlvViews(rdataBytes(r), 0)), opaqueDecoded(dd)
		}
	case *dnsmessage.SVCBResource:
		if r, ok := rr.(*dns.SVCB); ok {
			return svcbViews(r), dmSVCBViews(b)
		}
	case *dnsmessage.HTTPSResource:
		if r, ok := rr.(*dns.HTTPS); ok {
			return svcbViews(&r.SVCB), dmSVCBViews(&b.SVCBResource)
		}
	case *dnsmessage.UnknownResource:
		if r, ok := rr.(*dns.RFC3597); ok {
			return u(strings.ToLower(r.Rdata)), u(fmt.Sprintf("%x", b.Data))
		}
	}
	return nil, nil
}

// opaqueDecoded replaces the value of options miekg/dns decodes (D7) by
// "*": it re-encodes them from its fields, dropping bytes it does not model
// (an 8-byte EXPIRE keeps 4), so only their presence and order compare.
func opaqueDecoded(views []string) []string {
	for i, v := range views {
		code, _, _ := strings.Cut(v, ":")
		var c uint16
		if _, err := fmt.Sscan(code, &c); err == nil && decodedOptions[c] {
			views[i] = code + ":*"
		}
	}
	return views
}

func svcbViews(r *dns.SVCB) []string {
	rd := rdataBytes(r)
	if len(rd) < 2 {
		return nil
	}
	_, off, err := dns.UnpackDomainName(rd, 2)
	if err != nil {
		return nil
	}
	return append([]string{fmt.Sprint(r.Priority), rawName(r.Target)}, tlvViews(rd, off)...)
}

func dmSVCBViews(b *dnsmessage.SVCBResource) []string {
	out := []string{fmt.Sprint(b.Priority), b.Target.String()}
	for _, p := range b.Params {
		out = append(out, fmt.Sprintf("%d:%x", p.Key, p.Value))
	}
	return out
}

// tlvViews splits rd[off:] into 16-bit code, 16-bit length, value triples.
func tlvViews(rd []byte, off int) []string {
	var out []string
	for off+4 <= len(rd) {
		code, n := binary.BigEndian.Uint16(rd[off:]), int(binary.BigEndian.Uint16(rd[off+2:]))
		end := min(off+4+n, len(rd))
		out = append(out, fmt.Sprintf("%d:%x", code, rd[off+4:end]))
		off = end
	}
	return out
}

// rdataBytes is the rdata miekg/dns writes for rr, uncompressed.
func rdataBytes(rr dns.RR) []byte {
	buf := make([]byte, dns.Len(rr)+1)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return nil
	}
	hdrEnd := off - int(rr.Header().Rdlength)
	return buf[hdrEnd:off]
}

// rawName converts a miekg/dns presentation name to dnsmessage's form:
// labels as raw bytes joined by dots, no escapes.
func rawName(s string) string {
	buf := make([]byte, 4*len(s)+2)
	off, err := dns.PackDomainName(s, buf, 0, nil, false)
	if err != nil {
		return "!" + s
	}
	var b bytes.Buffer
	for i := 0; i < off && buf[i] != 0; {
		n := int(buf[i])
		b.Write(buf[i+1 : i+1+n])
		b.WriteByte('.')
		i += 1 + n
	}
	if b.Len() == 0 {
		return "."
	}
	return b.String()
}

// rawTxt converts miekg/dns's escaped character-strings to raw bytes.
func rawTxt(ss []string) []string {
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: ss}
	rd := rdataBytes(rr)
	var out []string
	for i := 0; i < len(rd); {
		n := int(rd[i])
		end := min(i+1+n, len(rd))
		out = append(out, string(rd[i+1:end]))
		i = end
	}
	return out
}
