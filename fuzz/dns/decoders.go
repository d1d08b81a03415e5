package dnsfuzz

import (
	"encoding/binary"
	"fmt"
	"strings"

	dnsv2 "codeberg.org/miekg/dns"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The four-decoder part of the Differential target: miekg/dns v1 (the
// reference), miekg/dns v2 (codeberg.org/miekg/dns) and gopacket's
// layers.DNS each read the same bytes into a wireView, the normal form in
// which they are compared; x/net dnsmessage is compared with v1 field by
// field down to the rdata (compareTwo, differential.go). Every decoder decodes every input before
// anything is compared, so a panic in any of them is a finding whatever the
// others make of the input.

// wireView is one decoder's reading of a message, in a normal form that
// erases what the libraries represent differently by design (listed in
// divergences.go, "Normal form of the four-decoder views"):
//
//   - names as raw labels joined by dots with a trailing dot ("." for the
//     root), no escapes;
//   - OPT records are not in the additional section (v2 lifts them into
//     Msg fields and its pseudo section); the EDNS0 fields are compared
//     separately when there is exactly one OPT;
//   - a trailing SIG(0) and TSIG stay in the additional section (v2 moves
//     them to its pseudo section);
//   - the RCODE is the header's 4 bits (v1 and v2 merge the OPT's upper
//     bits, gopacket only 4 of them, dnsmessage none).
type wireView struct {
	decoder   string
	err       error
	msg       *dns.Msg // v1 only: what the divergences inspect
	header    []string // see headerNames
	questions []string // name|type|class
	sections  [3][]string
	rdata     [3][]rrNorm // v1 and v2 only: each record of sections in the normal form of v1v2norm.go
	edns      string      // UDP size, DO, version, extended RCODE; "" without exactly one OPT
}

var headerNames = []string{"ID", "QR", "Opcode", "AA", "TC", "RD", "RA", "AD", "CD", "Rcode"}

func hdrView(id uint16, flags ...any) []string {
	out := []string{fmt.Sprint(id)}
	for _, f := range flags {
		out = append(out, fmt.Sprint(f))
	}
	return out
}

func rrView(name string, typ, class uint16, ttl uint32) string {
	return fmt.Sprintf("%s|%d|%d|%d", name, typ, class, ttl)
}

// v1View reads data with miekg/dns v1.
func v1View(mm *dns.Msg, err error) wireView {
	v := wireView{decoder: "v1", err: err, msg: mm}
	if err != nil {
		return v
	}
	v.header = hdrView(mm.Id, mm.Response, mm.Opcode, mm.Authoritative, mm.Truncated, mm.RecursionDesired, mm.RecursionAvailable, mm.AuthenticatedData, mm.CheckingDisabled, mm.Rcode&0xf)
	for _, q := range mm.Question {
		v.questions = append(v.questions, fmt.Sprintf("%s|%d|%d", rawName(q.Name), q.Qtype, q.Qclass))
	}
	opts := 0
	for i, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			h := rr.Header()
			if i == 2 && h.Rrtype == dns.TypeOPT {
				opts++
				continue
			}
			v.sections[i] = append(v.sections[i], rrView(rawName(h.Name), h.Rrtype, h.Class, h.Ttl))
			v.rdata[i] = append(v.rdata[i], v1Norm(rr))
		}
	}
	if opt := mm.IsEdns0(); opt != nil && opts == 1 {
		v.edns = fmt.Sprintf("udp=%d do=%v version=%d rcode=%d", max(opt.UDPSize(), 512), opt.Do(), opt.Version(), mm.Rcode)
	}
	return v
}

// v2View reads data with codeberg.org/miekg/dns.
func v2View(data []byte) wireView {
	m := &dnsv2.Msg{Data: data}
	err := m.Unpack()
	v := wireView{decoder: "v2", err: err}
	if err != nil {
		return v
	}
	v.header = hdrView(m.ID, m.Response, m.Opcode, m.Authoritative, m.Truncated, m.RecursionDesired, m.RecursionAvailable, m.AuthenticatedData, m.CheckingDisabled, m.Rcode&0xf)
	for _, q := range m.Question {
		h := q.Header()
		v.questions = append(v.questions, fmt.Sprintf("%s|%d|%d", h.Name, v2Type(q), h.Class))
	}
	secTypes := wireSectionTypes(data)
	for i, sec := range [][]dnsv2.RR{m.Answer, m.Ns, m.Extra} {
		for k, rr := range sec {
			h, t := rr.Header(), v2Type(rr)
			if _, unknown := rr.(*dnsv2.RFC3597); unknown && t == 0 && k < len(secTypes[i]) && !harness.Strict() {
				t = secTypes[i][k] // V2K3 (divergences.go)
			}
			v.sections[i] = append(v.sections[i], rrView(h.Name, t, h.Class, h.TTL))
		}
	}
	// Put a trailing SIG(0) and TSIG back where they were on the wire.
	var sig, tsig []string
	var sigRR, tsigRR []dnsv2.RR
	for _, rr := range m.Pseudo {
		h := rr.Header()
		switch rr.(type) {
		case *dnsv2.SIG:
			sig = append(sig, rrView(h.Name, dnsv2.TypeSIG, h.Class, h.TTL))
			sigRR = append(sigRR, rr)
		case *dnsv2.TSIG:
			tsig = append(tsig, rrView(h.Name, dnsv2.TypeTSIG, h.Class, h.TTL))
			tsigRR = append(tsigRR, rr)
		}
	}
	v.sections[2] = append(append(v.sections[2], sig...), tsig...)
	// One packing for all sections (v2Norms' filler is 16 KiB).
	secs := [][]dnsv2.RR{m.Answer, m.Ns, append(append(append([]dnsv2.RR(nil), m.Extra...), sigRR...), tsigRR...)}
	all := v2Norms(append(append(append([]dnsv2.RR(nil), secs[0]...), secs[1]...), secs[2]...))
	for i, sec := range secs {
		v.rdata[i], all = all[:len(sec):len(sec)], all[len(sec):]
	}
	if countOPT(data) == 1 {
		v.edns = fmt.Sprintf("udp=%d do=%v version=%d rcode=%d", m.UDPSize, m.Security, m.Version, m.Rcode)
	}
	return v
}

// v2Type is rr's type: RRToType says TypeNone for a record of a type v2
// does not know (RFC3597), which keeps its type in RRType.
func v2Type(rr dnsv2.RR) uint16 {
	if r, ok := rr.(*dnsv2.RFC3597); ok {
		return r.RRType
	}
	return dnsv2.RRToType(rr)
}

// gopacketView reads data with github.com/google/gopacket/layers.
func gopacketView(data []byte) wireView {
	var d layers.DNS
	// A slice with no spare capacity: layers.DNS reads some fields without
	// checking the message length (GK1, divergences.go), and must not
	// find the fuzzer's spare bytes there.
	err := d.DecodeFromBytes(data[:len(data):len(data)], gopacket.NilDecodeFeedback)
	v := wireView{decoder: "gopacket", err: err}
	if err != nil {
		return v
	}
	v.header = hdrView(d.ID, d.QR, int(d.OpCode), d.AA, d.TC, d.RD, d.RA, d.Z&2 != 0, d.Z&1 != 0, int(d.ResponseCode)&0xf)
	for _, q := range d.Questions {
		v.questions = append(v.questions, fmt.Sprintf("%s|%d|%d", gopacketName(q.Name), q.Type, q.Class))
	}
	for i, sec := range [][]layers.DNSResourceRecord{d.Answers, d.Authorities, d.Additionals} {
		for _, r := range sec {
			if i == 2 && r.Type == layers.DNSTypeOPT {
				continue
			}
			v.sections[i] = append(v.sections[i], rrView(gopacketName(r.Name), uint16(r.Type), uint16(r.Class), r.TTL))
		}
	}
	return v
}

// gopacketName converts gopacket's names (no trailing dot, "" for the
// root) to the views' form.
func gopacketName(b []byte) string {
	return strings.TrimSuffix(string(b), ".") + "."
}

// countOPT counts the OPT records of the additional section, by the wire
// walk shared with divergences.go.
func countOPT(data []byte) int {
	rrs, _ := wireRecords(data)
	if len(data) < 12 {
		return 0
	}
	ar := int(data[10])<<8 | int(data[11])
	n := 0
	for i := max(0, len(rrs)-ar); i < len(rrs); i++ {
		if rrs[i].typ == dns.TypeOPT {
			n++
		}
	}
	return n
}

// compareViews compares other's reading of data with the reference's
// (miekg/dns v1): accept/reject, then header, questions, record headers
// section by section, EDNS0. A disagreement a divergence in
// divergences.go explains is not a finding.
func compareViews(data []byte, ref, other *wireView) error {
	d := other.decoder
	if (ref.err == nil) != (other.err == nil) {
		if why := explainFour(data, ref, other); why != "" {
			return nil
		}
		return harness.Violated("differential", d+".Accept", "miekg/dns v1 error %v, %s error %v", ref.err, d, other.err)
	}
	if ref.err != nil {
		return nil
	}
	if why := explainFour(data, ref, other); why != "" {
		return nil
	}
	for i := range ref.header {
		if ref.header[i] != other.header[i] {
			return harness.Violated("differential", d+".Header."+headerNames[i], "miekg/dns v1 %s, %s %s", ref.header[i], d, other.header[i])
		}
	}
	if err := compareList(d+".Question", ref.questions, other.questions); err != nil {
		return err
	}
	for i, name := range []string{"Answer", "Ns", "Extra"} {
		if err := compareList(d+"."+name, ref.sections[i], other.sections[i]); err != nil {
			return err
		}
	}
	if other.decoder == "v2" && ref.edns != other.edns {
		return harness.Violated("differential", d+".EDNS0", "miekg/dns v1 %q, %s %q", ref.edns, d, other.edns)
	}
	if other.decoder == "v2" {
		return compareRdata(data, ref, other)
	}
	return nil
}

func compareList(field string, ref, other []string) error {
	if len(ref) != len(other) {
		return harness.Violated("differential", "len("+field+")", "miekg/dns v1 %q, other %q", ref, other)
	}
	for i := range ref {
		if ref[i] != other[i] {
			return harness.Violated("differential", fmt.Sprintf("%s[%d]", field, i), "miekg/dns v1 %q, other %q", ref[i], other[i])
		}
	}
	return nil
}

// wireSectionTypes lists the record types of each section as the wire
// walk finds them, OPT records left out of the additional section (where
// v2 keeps its records in wire order unless V2K1 applies).
func wireSectionTypes(data []byte) [3][]uint16 {
	var out [3][]uint16
	if len(data) < 12 {
		return out
	}
	rrs, _ := wireRecords(data)
	an, ns := int(binary.BigEndian.Uint16(data[6:])), int(binary.BigEndian.Uint16(data[8:]))
	for i, r := range rrs {
		sec := 2
		if i < an {
			sec = 0
		} else if i < an+ns {
			sec = 1
		}
		if sec == 2 && r.typ == dns.TypeOPT {
			continue
		}
		out[sec] = append(out[sec], r.typ)
	}
	return out
}
