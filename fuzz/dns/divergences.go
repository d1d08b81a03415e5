// divergences.go is a catalogue: every documented difference between the DNS
// decoders, one entry with its reason each; it is long because the list is.

package dnsfuzz

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"net"
	"reflect"
	"strings"

	dnsv2 "codeberg.org/miekg/dns"
	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// This file is the one place that lists the known, deliberate divergences
// between miekg/dns and golang.org/x/net/dns/dnsmessage that the
// Differential target tolerates. Each explain function returns the name of
// the divergence that accounts for a disagreement, or "" when none does
// (then the disagreement is a finding).
//
// Fields never compared, by design:
//   - MsgHdr.Zero: dnsmessage drops the Z bit.
//   - the extended RCODE: miekg/dns merges the OPT's upper 8 bits into
//     Msg.Rcode, dnsmessage keeps the header's 4 bits (and the OPT TTL);
//     only the low 4 bits are compared.
//   - rdata of types only miekg/dns models (DS, RRSIG, CAA, ...): dnsmessage
//     keeps them as opaque bytes; their record headers are still compared.

// sharedTypes are the types whose rdata both libraries decode.
var sharedTypes = map[uint16]bool{
	dns.TypeA: true, dns.TypeAAAA: true, dns.TypeCNAME: true, dns.TypeNS: true,
	dns.TypePTR: true, dns.TypeMX: true, dns.TypeTXT: true, dns.TypeSRV: true,
	dns.TypeSOA: true, dns.TypeOPT: true, dns.TypeSVCB: true, dns.TypeHTTPS: true,
}

// decodedOptions are the EDNS0 option codes whose values miekg/dns parses
// (and can reject).
var decodedOptions = map[uint16]bool{
	dns.EDNS0LLQ: true, dns.EDNS0UL: true, dns.EDNS0SUBNET: true, dns.EDNS0EXPIRE: true,
	dns.EDNS0TCPKEEPALIVE: true, dns.EDNS0EDE: true, dns.EDNS0REPORTING: true, dns.EDNS0ZONEVERSION: true,
}

// explainMiekgReject accounts for miekg/dns rejecting what dnsmessage
// accepts.
func explainMiekgReject(data []byte, dm *dnsmessage.Message, err error) string {
	if d := explainEither(data); d != "" {
		return d
	}
	// D8: miekg/dns decodes a record's rdata in a buffer cut at the end of
	// that record, so a compression pointer in rdata that points at or past
	// the record's end, or at a name whose octets run to or past it (the
	// name overlaps the pointer itself: 56e6e06dded7), fails ("buffer size
	// too small"); dnsmessage follows pointers anywhere in the message.
	// RFC 1035 section 4.1.4 pointers name a prior occurrence, and a name
	// that is not complete before the record ends is none, so miekg/dns's
	// is the stricter reading.
	if rrs, ok := wireRecords(data); ok {
		for _, r := range rrs {
			if forwardPointerInRdata(data, r) {
				return "D8 compression pointer in rdata past the record"
			}
		}
	}
	// D7: miekg/dns decodes the value of several EDNS0 options (LLQ, UL,
	// client subnet, expire, TCP keepalive, EDE, report channel, zone
	// version) and rejects malformed ones; dnsmessage keeps option values
	// opaque. When both accept, miekg/dns re-encodes those values from
	// its fields (an 8-byte EXPIRE keeps 4 bytes), so only their codes are
	// compared (opaqueDecoded).
	for _, r := range dm.Additionals {
		if o, ok := r.Body.(*dnsmessage.OPTResource); ok {
			for _, opt := range o.Options {
				if decodedOptions[opt.Code] {
					return "D7 EDNS0 option value miekg/dns decodes"
				}
			}
		}
	}
	// D9: miekg/dns decodes the values of SVCB/HTTPS parameters (alpn,
	// port, ipv4hint, ech, ...) and rejects malformed ones; dnsmessage
	// keeps them opaque (only their keys' order is checked by both).
	if strings.Contains(err.Error(), "SVCB.Value") || strings.Contains(err.Error(), "HTTPS.Value") {
		for _, sec := range [][]dnsmessage.Resource{dm.Answers, dm.Authorities, dm.Additionals} {
			for _, r := range sec {
				if r.Header.Type == dnsmessage.TypeSVCB || r.Header.Type == dnsmessage.TypeHTTPS {
					return "D9 SVCB parameter value miekg/dns decodes"
				}
			}
		}
	}
	// D1: miekg/dns decodes (and validates) the rdata of ~90 types that
	// dnsmessage keeps as opaque bytes, so a malformed DS or LOC is an
	// error for one and fine for the other.
	for _, sec := range [][]dnsmessage.Resource{dm.Answers, dm.Authorities, dm.Additionals} {
		for _, r := range sec {
			if !sharedTypes[uint16(r.Header.Type)] {
				if _, known := dns.TypeToRR[uint16(r.Header.Type)]; known {
					return "D1 rdata of a type dnsmessage does not decode"
				}
			}
		}
	}
	return ""
}

// explainDnsmessageReject accounts for dnsmessage rejecting what
// miekg/dns accepts.
func explainDnsmessageReject(data []byte, mm *dns.Msg, err error) string {
	if d := explainEither(data); d != "" {
		return d
	}
	// D3: dnsmessage.Name holds labels joined by dots and so cannot hold
	// a label containing a '.' byte; it rejects such names ("invalid dns
	// name"), miekg/dns escapes them as "\.".
	for _, q := range mm.Question {
		if hasDotLabel(q.Name) {
			return "D3 label containing a dot byte"
		}
	}
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			dot := hasDotLabel(rr.Header().Name)
			eachName(rr, func(n string) { dot = dot || hasDotLabel(n) })
			if dot {
				return "D3 label containing a dot byte"
			}
		}
	}
	// D2: miekg/dns treats the header counts as upper bounds: it stops at
	// the end of the message (or when a record makes no progress) and
	// accepts the records it got; dnsmessage requires exactly the counted
	// records.
	if len(data) >= 12 {
		counts := []int{int(binary.BigEndian.Uint16(data[4:])), int(binary.BigEndian.Uint16(data[6:])), int(binary.BigEndian.Uint16(data[8:])), int(binary.BigEndian.Uint16(data[10:]))}
		got := []int{len(mm.Question), len(mm.Answer), len(mm.Ns), len(mm.Extra)}
		for i := range counts {
			if got[i] < counts[i] {
				return "D2 header count larger than the records present"
			}
		}
	}
	// D5: miekg/dns accepts a question cut off by the end of the message
	// after its name (QTYPE and QCLASS missing, left 0); dnsmessage
	// rejects it.
	if questionCutOff(data) {
		return "D5 question truncated after its name"
	}
	// D6: miekg/dns's generated unpackers stop at the end of the message
	// and leave the remaining rdata fields zero (an SOA cut after MNAME),
	// or accept RDLENGTH 0 for any type (UPDATE deletions); dnsmessage
	// needs the whole rdata. Seen as a record miekg/dns would repack to a
	// different length than it read.
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			read := int(rr.Header().Rdlength)
			if read == 0 || hasEmptyName(rr) || len(rdataBytes(dns.Copy(rr))) != read {
				return "D6 rdata cut short accepted as zero fields"
			}
		}
	}
	// D1 (the other way): a record of a type only miekg/dns decodes is
	// read by dnsmessage as opaque bytes with its own checks.
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			if !sharedTypes[rr.Header().Rrtype] {
				return "D1 rdata of a type dnsmessage does not decode"
			}
		}
	}
	return ""
}

// explainEither accounts for disagreements in either direction, and for
// differing values when both accept (see compareMessages).
func explainEither(data []byte) string {
	// D4 (a dnsmessage defect): dnsmessage decodes the fixed-layout rdata
	// of A, AAAA, CNAME, NS, PTR, MX, SRV and SOA without bounding it by
	// RDLENGTH. An A record with RDLENGTH 0 takes the next four bytes of
	// the message as its address, a name may run past its rdata; then it
	// skips RDLENGTH bytes. miekg/dns requires the rdata to end exactly at
	// RDLENGTH (or, for RDLENGTH 0, leaves it empty: UPDATE deletions).
	// Likewise an RDLENGTH running past the end of the message goes
	// unnoticed by dnsmessage for those types, and EDNS0 option headers
	// and values are read up to the message end, not the OPT's RDLENGTH.
	if rrs, ok := wireRecords(data); ok {
		for _, r := range rrs {
			if !rdataBounded(data, r) {
				return "D4 dnsmessage reads rdata past RDLENGTH"
			}
		}
	}
	return ""
}

func hasDotLabel(name string) bool {
	for i := 0; i+1 < len(name); i++ {
		if name[i] == '\\' {
			if name[i+1] == '.' {
				return true
			}
			i++
		}
	}
	return false
}

// wireRecord is one resource record located by wireRecords.
type wireRecord struct {
	typ        uint16
	start, end int // rdata
}

// wireRecords walks data independently of both libraries and returns the
// rdata bounds of every record it can locate (stopping quietly at the
// first it cannot).
func wireRecords(data []byte) ([]wireRecord, bool) {
	if len(data) < 12 {
		return nil, false
	}
	qd := int(binary.BigEndian.Uint16(data[4:]))
	n := int(binary.BigEndian.Uint16(data[6:])) + int(binary.BigEndian.Uint16(data[8:])) + int(binary.BigEndian.Uint16(data[10:]))
	off, ok := 12, true
	for i := 0; i < qd; i++ {
		if off, ok = skipName(data, off); !ok || off+4 > len(data) {
			return nil, false
		}
		off += 4
	}
	var out []wireRecord
	for i := 0; i < n; i++ {
		if off, ok = skipName(data, off); !ok || off+10 > len(data) {
			return out, true
		}
		typ, rdlen := binary.BigEndian.Uint16(data[off:]), int(binary.BigEndian.Uint16(data[off+8:]))
		start := off + 10
		if start+rdlen > len(data) {
			// Kept, so rdataBounded can flag it; nothing follows.
			return append(out, wireRecord{typ, start, start + rdlen}), true
		}
		out = append(out, wireRecord{typ, start, start + rdlen})
		off = start + rdlen
	}
	return out, true
}

// rdataBounded reports whether the fixed-layout rdata of r ends exactly at
// its RDLENGTH (always true for types dnsmessage bounds itself).
func rdataBounded(data []byte, r wireRecord) bool {
	if r.end > len(data) {
		// dnsmessage skips RDLENGTH without checking it against the
		// message end after decoding a fixed-layout body.
		_, fixed := map[uint16]bool{dns.TypeOPT: true, dns.TypeA: true, dns.TypeAAAA: true, dns.TypeCNAME: true, dns.TypeNS: true, dns.TypePTR: true, dns.TypeMX: true, dns.TypeSRV: true, dns.TypeSOA: true}[r.typ]
		return !fixed
	}
	names := func(off, n int) int {
		for i := 0; i < n; i++ {
			next, ok := skipName(data, off)
			if !ok {
				return -1
			}
			off = next
		}
		return off
	}
	ends := func(off, n, tail int) bool {
		end := names(off, n)
		return end < 0 || end+tail == r.end // an unreadable name is not D4's doing
	}
	switch r.typ {
	case dns.TypeA:
		return r.end-r.start == 4
	case dns.TypeAAAA:
		return r.end-r.start == 16
	case dns.TypeCNAME, dns.TypeNS, dns.TypePTR:
		return ends(r.start, 1, 0)
	case dns.TypeMX:
		return ends(r.start+2, 1, 0)
	case dns.TypeSRV:
		return ends(r.start+6, 1, 0)
	case dns.TypeSOA:
		return ends(r.start, 2, 20)
	case dns.TypeOPT:
		off := r.start
		for off < r.end {
			if off+4 > r.end {
				return false
			}
			off += 4 + int(binary.BigEndian.Uint16(data[off+2:]))
		}
		return off == r.end
	}
	return true
}

// questionCutOff reports whether the message ends inside the fixed part
// (QTYPE, QCLASS) of a question.
func questionCutOff(data []byte) bool {
	if len(data) < 12 {
		return false
	}
	off, ok := 12, true
	for i := 0; i < int(binary.BigEndian.Uint16(data[4:])); i++ {
		if off, ok = skipName(data, off); !ok {
			return false
		}
		if off+4 > len(data) {
			return true
		}
		off += 4
	}
	return false
}

// forwardPointerInRdata reports whether a name in r's rdata (the types
// whose rdata both libraries decode as names) holds a compression pointer
// to an offset at or past the end of r's rdata, or to a name that runs
// there.
func forwardPointerInRdata(data []byte, r wireRecord) bool {
	var starts []int
	switch r.typ {
	case dns.TypeCNAME, dns.TypeNS, dns.TypePTR, dns.TypeSOA:
		starts = []int{r.start}
	case dns.TypeMX:
		starts = []int{r.start + 2}
	case dns.TypeSRV:
		starts = []int{r.start + 6}
	}
	for n, off := 0, 0; n < len(starts) || (r.typ == dns.TypeSOA && n < 2); n++ {
		if n < len(starts) {
			off = starts[n]
		}
		for off < len(data) && off < r.end {
			c := int(data[off])
			if c == 0 {
				off++
				break
			}
			if c&0xc0 == 0xc0 {
				if off+1 < len(data) && nameReadsPast(data, (c&0x3f)<<8|int(data[off+1]), r.end) {
					return true
				}
				off += 2
				break
			}
			off += 1 + c
		}
	}
	return false
}

// nameReadsPast reports whether the name at off (a compression pointer's
// target) reads an octet at or past end, following further pointers (at
// most maxPointerHops; a loop is the decoders' own error, not D8).
func nameReadsPast(data []byte, off, end int) bool {
	for hops := 0; hops <= maxPointerHops; {
		if off >= end || off >= len(data) {
			return off >= end
		}
		c := int(data[off])
		switch {
		case c == 0:
			return false
		case c&0xc0 == 0xc0:
			if off+1 >= end || off+1 >= len(data) {
				return off+1 >= end
			}
			off = (c&0x3f)<<8 | int(data[off+1])
			hops++
		default:
			if off+c >= end {
				return true // the label's octets run past end
			}
			off += 1 + c
		}
	}
	return false
}

// maxPointerHops bounds nameReadsPast: a name has at most 127 labels.
const maxPointerHops = 127

// Normal form of the four-decoder views (decoders.go), and the
// divergences of miekg/dns v2 (codeberg.org/miekg/dns v0.6.0) and
// gopacket's layers.DNS (v1.1.19) from miekg/dns v1, the reference.
// explainFour returns the divergence that accounts for other disagreeing
// with ref on data, or "" (a finding).
func explainFour(data []byte, ref, other *wireView) string {
	if ref.msg != nil && mandatoryUnsorted(ref.msg) {
		return "known bug: findings/miekg-dns-svcb-mandatory-order"
	}
	switch other.decoder {
	case "v2":
		return explainV2(data, ref, other)
	case "gopacket":
		return explainGopacket(data, ref, other)
	}
	return ""
}

// knownV2 are miekg/dns v2 defects (see README-diff-with-v1.md for what v2
// changes on purpose: none of these is among them), each shown by a
// program using v2 alone and written up with a patch in findings/
// (V2K1 miekg-dns-v2-opt-before-tsig, V2K2 miekg-dns-v2-unknown-edns0-option,
// V2K3 miekg-dns-v2-unknown-type, V2K4 miekg-dns-v2-svcb-key-order). They
// are tolerated so fuzzing goes on past them, unless harness.Strict
// (triage's replays) is set.
//
//   - V2K1: Msg.Unpack lifts OPT records out of the additional section by
//     overwriting the section's last record with the OPT instead of
//     swapping, so an OPT that is not the last record (OPT then TSIG is
//     the usual order of a signed EDNS query, RFC 8945 5.1 puts TSIG last)
//     stays in Extra and the record after it is lost: a TSIG-signed
//     EDNS query loses its TSIG.
//   - V2K2: an EDNS0 option code v2 has no type for fails the whole
//     message ("unknown OPT code"); RFC 6891 6.1.2 says unknown options
//     MUST be ignored.
//   - V2K4: an SVCB/HTTPS record whose SvcParamKeys are not in strictly
//     increasing order is accepted; RFC 9460 2.2 says clients MUST treat
//     it as malformed (v1 and dnsmessage reject it).
//   - V2K3: a record of a type v2 does not know (RFC 3597: APL, IPSECKEY,
//     AMTRELAY, private types) is unpacked as an RFC3597 whose RRType is
//     0 outside the question section, so it prints and packs as TYPE0.
//     The views take the wire type instead (v2View), so the rest of such
//     messages is still compared.
//
// Divergences by design, v1 accepting what v2 rejects:
//
//   - V2D1: octets after the last counted record: v2 rejects them ("N more
//     octets"), v1 ignores them. RFC 1035 does not say; both are readings.
//   - V2D2 (D2), V2D3 (D5), V2D4 (D6): v1's leniencies that dnsmessage
//     does not share are not v2's either: header counts larger than the
//     records present, a question cut after its name, rdata cut short
//     (accepted as zero fields).
//   - V2D5: a compression pointer to the pointer's own offset or later:
//     v2 rejects it (RFC 1035 4.1.4: a pointer names a prior occurrence),
//     v1 follows it outside rdata.
//   - V2D7: a length field inside rdata running past the rdata (TSIG MAC
//     Size or Other Len, HIP HIT or public key length, NSEC3 salt or hash
//     length, TKEY key size): v1 keeps what is there with the length as
//     read (the family of v1's known "length without data" bug, known.go),
//     v2 rejects the record, as the RFCs' formats require.
//   - V2D8 (D7): EDNS0 option values v1 validates (a TCP keepalive of 8
//     octets, RFC 7828 allows 0 or 2) that v2 decodes without rejecting.
//   - V2D6: types v1 decodes and v2 keeps as RFC 3597 bytes (AMTRELAY,
//     APL, IPSECKEY, ...), and types v2 decodes and v1 does not (the meta
//     types AXFR, IXFR, ANY as records, which v2 requires empty): each
//     can reject rdata the other keeps as bytes.
func explainV2(data []byte, ref, other *wireView) string {
	if !harness.Strict() {
		if optNotLast(data) {
			return "V2K1 OPT not last in the additional section"
		}
		if other.err != nil && strings.Contains(other.err.Error(), "unknown OPT code") {
			return "V2K2 unknown EDNS0 option rejected"
		}
		if ref.err != nil && other.err == nil && strings.Contains(ref.err.Error(), "SVCB keys not in strictly increasing order") {
			return "V2K4 SVCB keys out of order accepted"
		}
	}
	if ref.err == nil && other.err != nil {
		if d := v1Lenient(data, ref.msg); d != "" {
			return d
		}
		if tsigLengthsOverrun(data) || lengthWithoutData(ref.msg) {
			return "V2D7 an rdata length field running past the rdata"
		}
		if strings.Contains(other.err.Error(), "pointer not to prior occurrence") && forwardPointer(data) {
			return "V2D5 compression pointer not to a prior offset"
		}
	}
	if ref.err != nil && other.err == nil {
		if strings.HasPrefix(ref.err.Error(), "OPT") {
			return "V2D8 (D7) EDNS0 option value v1 validates more strictly"
		}
	}
	if (ref.err == nil) != (other.err == nil) {
		rrs, _ := wireRecords(data)
		for _, r := range rrs {
			_, v1Knows := dns.TypeToRR[r.typ]
			_, v2Knows := dnsv2.TypeToRR[r.typ]
			if v1Knows != v2Knows {
				return "V2D6 rdata of a type only one of v1 and v2 decodes"
			}
		}
	}
	return ""
}

// forwardPointer reports whether data holds a compression pointer (two
// octets 0b11xxxxxx) whose target is at or after its own offset, where a
// name starts: a coarse test, used only with v2's own error saying so.
func forwardPointer(data []byte) bool {
	for i := 12; i+1 < len(data); i++ {
		if data[i]&0xc0 == 0xc0 && int(data[i]&0x3f)<<8|int(data[i+1]) >= i {
			return true
		}
	}
	return false
}

// v1Lenient names the v1 leniency that accounts for v1 accepting what a
// stricter decoder rejects, or "".
func v1Lenient(data []byte, mm *dns.Msg) string {
	if end, ok := messageEnd(data); ok && end < len(data) {
		return "V2D1 octets after the last record"
	}
	if len(data) >= 12 {
		counts := []int{int(binary.BigEndian.Uint16(data[4:])), int(binary.BigEndian.Uint16(data[6:])), int(binary.BigEndian.Uint16(data[8:])), int(binary.BigEndian.Uint16(data[10:]))}
		got := []int{len(mm.Question), len(mm.Answer), len(mm.Ns), len(mm.Extra)}
		for i := range counts {
			if got[i] < counts[i] {
				return "V2D2 (D2) header count larger than the records present"
			}
		}
	}
	if questionCutOff(data) {
		return "V2D3 (D5) question truncated after its name"
	}
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			if rr.Header().Rrtype == dns.TypeOPT {
				continue // no options is an empty rdata, not a short one
			}
			read := int(rr.Header().Rdlength)
			if read == 0 || hasEmptyName(rr) || hasNilIP(rr) || len(rdataBytes(dns.Copy(rr))) != read {
				return "V2D4 (D6) rdata cut short accepted as zero fields"
			}
		}
	}
	return ""
}

// hasNilIP reports whether an address field of rr (A, AAAA, L32, ...) is
// nil: v1 leaves it so when the rdata ends before the address, and then
// packs nothing for it, so the repacked length matches the short read.
func hasNilIP(rr dns.RR) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	e := v.Elem()
	for i := 0; i < e.NumField(); i++ {
		if f := e.Field(i); f.CanInterface() && f.Type() == reflect.TypeOf(net.IP(nil)) && f.IsNil() {
			return true
		}
	}
	return false
}

// messageEnd is the offset after the last counted record, when the wire
// walk finds them all.
func messageEnd(data []byte) (int, bool) {
	if len(data) < 12 {
		return 0, false
	}
	rrs, _ := wireRecords(data)
	n := int(binary.BigEndian.Uint16(data[6:])) + int(binary.BigEndian.Uint16(data[8:])) + int(binary.BigEndian.Uint16(data[10:]))
	if len(rrs) != n {
		return 0, false
	}
	if n > 0 {
		end := rrs[n-1].end
		return end, end <= len(data)
	}
	off, ok := 12, true
	for i := 0; i < int(binary.BigEndian.Uint16(data[4:])); i++ {
		if off, ok = skipName(data, off); !ok || off+4 > len(data) {
			return 0, false
		}
		off += 4
	}
	return off, true
}

// gopacketTypes are the types whose rdata layers.DNS decodes (and so can
// reject); every other type is kept as bytes.
var gopacketTypes = map[uint16]bool{
	dns.TypeA: true, dns.TypeAAAA: true, dns.TypeNS: true, dns.TypeCNAME: true, dns.TypePTR: true,
	dns.TypeTXT: true, dns.TypeSOA: true, dns.TypeSRV: true, dns.TypeMX: true, dns.TypeOPT: true, dns.TypeURI: true,
}

// gopacket's layers.DNS against v1:
//
//   - GK1 (a gopacket defect, reported as a panic, never tolerated;
//     findings/gopacket-dns-cut-fixed-fields, fixed on google/gopacket's
//     unreleased master and in the gopacket/gopacket fork):
//     DNSQuestion.decode and DNSResourceRecord.decode read the fixed
//     fields after a name (TYPE, CLASS, TTL, RDLENGTH) without checking
//     the message's length, so a question or a record cut off after its
//     name panics (or, with spare capacity behind the slice, reads bytes
//     that are not part of the message).
//   - G1: v1 decodes (and validates) the rdata of ~90 types that
//     layers.DNS keeps as bytes (as D1 for dnsmessage).
//   - G2 (D4): layers.DNS decodes fixed-layout rdata without bounding it
//     by RDLENGTH.
//   - G3 (D7): layers.DNS keeps EDNS0 option values opaque; v1 decodes
//     and rejects malformed ones.
//   - G4 (D3): a label holding a '.' byte: layers.DNS joins labels with
//     dots and escapes nothing, so its name cannot be told apart from
//     another split of the same bytes.
//   - v1's leniencies (V2D1-V2D4 above) account for gopacket rejecting
//     what v1 accepts just as they do for v2.
func explainGopacket(data []byte, ref, other *wireView) string {
	if ref.err == nil && other.err == nil && anyDotLabel(ref.msg) {
		return "G4 (D3) a label holding a dot byte"
	}
	rrs, _ := wireRecords(data)
	if ref.err == nil && other.err != nil {
		return v1Lenient(data, ref.msg)
	}
	for _, r := range rrs {
		if !rdataBounded(data, r) {
			return "G2 (D4) gopacket reads rdata past RDLENGTH"
		}
	}
	if ref.err != nil && other.err == nil && strings.Contains(ref.err.Error(), "OPT") {
		return "G3 (D7) EDNS0 option value v1 decodes"
	}
	if ref.err != nil && other.err == nil {
		for _, r := range rrs {
			if !gopacketTypes[r.typ] {
				if _, known := dns.TypeToRR[r.typ]; known {
					return "G1 rdata of a type gopacket does not decode"
				}
			}
		}
	}
	return ""
}

// optNotLast reports whether an OPT record is followed by another record
// in the additional section.
func optNotLast(data []byte) bool {
	rrs, _ := wireRecords(data)
	if len(data) < 12 {
		return false
	}
	ar := int(binary.BigEndian.Uint16(data[10:]))
	for i := max(0, len(rrs)-ar); i+1 < len(rrs); i++ {
		if rrs[i].typ == dns.TypeOPT {
			return true
		}
	}
	return false
}

// tsigLengthsOverrun reports whether a TSIG record's MAC Size or Other
// Len (RFC 8945 4.2) runs past the end of its rdata.
func tsigLengthsOverrun(data []byte) bool {
	rrs, _ := wireRecords(data)
	for _, r := range rrs {
		if r.typ != dns.TypeTSIG || r.end > len(data) {
			continue
		}
		off, ok := skipName(data, r.start)
		if !ok {
			continue
		}
		off += 6 + 2 // Time Signed, Fudge
		if off+2 > r.end {
			return true
		}
		off += 2 + int(binary.BigEndian.Uint16(data[off:])) // MAC
		off += 2 + 2                                        // Original ID, Error
		if off+2 > r.end {
			return true
		}
		if off+2+int(binary.BigEndian.Uint16(data[off:])) > r.end {
			return true
		}
	}
	return false
}

// anyDotLabel reports whether a name of mm has a label holding a '.'.
func anyDotLabel(mm *dns.Msg) bool {
	for _, q := range mm.Question {
		if hasDotLabel(q.Name) {
			return true
		}
	}
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			dot := hasDotLabel(rr.Header().Name)
			eachName(rr, func(n string) { dot = dot || hasDotLabel(n) })
			if dot {
				return true
			}
		}
	}
	return false
}

// lengthWithoutData reports whether a record of mm holds a length field
// larger than the data v1 read for it (see V2D7).
func lengthWithoutData(mm *dns.Msg) bool {
	for _, sec := range [][]dns.RR{mm.Answer, mm.Ns, mm.Extra} {
		for _, rr := range sec {
			switch r := rr.(type) {
			case *dns.HIP:
				if len(r.Hit)/2 != int(r.HitLength) {
					return true
				}
			case *dns.NSEC3:
				if len(r.Salt)/2 != int(r.SaltLength) || r.HashLength == 0 || len(r.NextDomain) == 0 {
					return true
				}
			case *dns.NSEC3PARAM:
				if len(r.Salt)/2 != int(r.SaltLength) {
					return true
				}
			case *dns.TKEY:
				if len(r.Key)/2 != int(r.KeySize) || len(r.OtherData)/2 != int(r.OtherLen) {
					return true
				}
			case *dns.TSIG:
				if len(r.MAC)/2 != int(r.MACSize) || len(r.OtherData)/2 != int(r.OtherLen) {
					return true
				}
			}
		}
	}
	return false
}

// miekg/dns v1 against v2, record by record (compareRdata, the wire
// differential's last step; ZoneDifferential, zone text). Each version
// packs what it decoded or parsed; the records are compared in the wire
// normal form of v1v2norm.go. What v2 changes on purpose is listed in its
// README-diff-with-v1.md (in the module: codeberg.org/miekg/dns@v0.6.0);
// the rules that cite it are differences by design, the others are RFC
// readings or reported defects.
//
// By design (README-diff-with-v1.md):
//
//   - V2N1 "Escapes in domain names is not supported": v2 keeps a name's
//     text as written and splits it at every '.', so a label holding a
//     '.' byte (v1: "a\.b") is two labels after v2 repacks it, and in zone
//     text "\@", "\.", "\032" and "\ " are literal characters to v2 where
//     RFC 1035 5.1 makes them escapes (v1). A record with a name holding
//     an escape (v1's presentation of it holds a backslash) is compared
//     without its names: owner and rdata differences are this rule's.
//   - V2Z1 types v1 implements and v2 dropped (APL, IPSECKEY, AMTRELAY,
//     ...; README: "Copied, sanitized and removed"): v2's zone parser
//     rejects their mnemonic ("unknown RR type"), v1 parses them. RFC 3597
//     5 requires only the generic TYPEnnn \# form for unknown types, which
//     both read.
//   - V2Z3 the other way: types v2 added (DELEG, DELEGI, DSYNC, WALLET,
//     CLA, IPN) are unknown type names to v1. So their fields are never
//     compared: findings/miekg-dns-v2-dsync-fields is a DSYNC parser bug
//     this rule hides.
//
// Reported v2 defects, tolerated unless harness.Strict (each shown by a
// test using v2 alone, and stored in the crash store):
//
//   - V2K5 a record without rdata (RFC 2136 2.4.1, 2.5.2, 2.5.3: UPDATE
//     prerequisites and deletions have RDLENGTH 0), read from the wire or
//     from text ("name IN A", "name NONE MX"): v2 keeps it but cannot pack it again: an
//     A or AAAA fails ("overflow a"), other types are written with rdata
//     made of zero fields (MX as 3 octets), where v1 writes RDLENGTH 0.
//     findings/miekg-dns-v2-update-no-rdata.
//
//   - V2K6 SVCB/HTTPS parameters given out of key order in zone text
//     (RFC 9460 2.1 allows any order in presentation format) are packed in
//     that order; RFC 9460 2.2 says SvcParamKeys SHALL appear in
//     increasing numeric order on the wire (v1 sorts them, and a receiver
//     such as v1 or x/net dnsmessage rejects v2's output). The packing
//     half of findings/miekg-dns-v2-svcb-key-order (V2K4 is its other).
//
//   - V2K7 a relative name (no trailing dot: an owner, an rdata name, the
//     argument of $ORIGIN) whose last label is over 63 octets is accepted
//     (RFC 1035 2.3.4: 63 octets or less): dnsutil.IsName, which the zone
//     parser checks names with, checks a label's length only when a dot
//     ends it. The origin is appended and the record holds a name v2's
//     Pack refuses ("illegal label type"); v1 rejects the text.
//     findings/miekg-dns-v2-relative-name-last-label.
//
//   - V2K8 a TTL over 32 bits (a record's, $TTL's, an SOA timer's) is
//     taken modulo 2^32: "4294967296" is a TTL of 0, "10000000000" one of
//     1410065408. RFC 1035 3.2.1 and 3.3.13 make them 32-bit unsigned
//     integers; v1 rejects the text ("not a TTL", "bad SOA zone
//     parameter"). findings/miekg-dns-v2-ttl-wrap.
//
//   - V2K9 an AAAA address with an IPv6 zone ("fe80::1%eth0", RFC 4007
//     11) is accepted: v2 parses it with netip.ParseAddr, which allows
//     zones, packs the 16 octets without it and prints it with it. RFC
//     3596 2.4 makes AAAA text an RFC 4291 2.2 address, which has no zone;
//     v1 rejects it. findings/miekg-dns-v2-ipv6-zone.
//
//   - V2K10 an RRSIG or SIG time in YYYYMMDDHHmmSS form after 2106-02-07
//     06:28:15 (2^32 seconds) is reduced by multiples of 2^31-1
//     (dnsutil.StringToTime uses maxSerialIncrement) instead of 2^31, so it
//     lands t/(2^31-1)-1 seconds late: 26120227091652 is 20670930072356
//     to v2, 20670930072348 (the value modulo 2^32, RFC 4034 3.1.5 with
//     RFC 1982) to v1. findings/miekg-dns-v2-sig-time-after-2106.
//
// v1's own known bugs (known.go) stay tolerated here as in every target:
// a record a known v1 bug's strip function selects is compared without
// its rdata.
func explainV2Record(data []byte, ref *wireView, s, i int, a, b rrNorm) string {
	r1, _ := a.rr.(dns.RR)
	if r1 == nil {
		return ""
	}
	if why := v2EmptyRdata(a, b); why != "" {
		return why
	}
	if _, known := stripKnown(&dns.Msg{Answer: []dns.RR{r1}}, fromWire); known {
		return "a known v1 bug (known.go)"
	}
	if rrDotLabel(r1) {
		return "V2N1 a label holding a '.' byte (no escapes in v2 names)"
	}
	return ""
}

// explainZoneRecord accounts for record i differing in field between v1's
// reading a and v2's reading b of the same zone text.
func explainZoneRecord(a, b *zoneRead, i int, field string) string {
	r1, r2 := a.v1[i], b.v2[i]
	if why := v2EmptyRdata(a.norm[i], b.norm[i]); why != "" {
		return why
	}
	if _, known := stripKnown(&dns.Msg{Answer: []dns.RR{r1}}, fromMemory); known {
		return "a known v1 bug (known.go)"
	}
	if rrEscapedName(r1) {
		return "V2N1 a name holding an escape (no escapes in v2 names)"
	}
	if !harness.Strict() && field == "Rdata" && svcbKeysUnsorted(r2, b.norm[i].rdata) {
		return "V2K6 SVCB keys packed out of order"
	}
	if !harness.Strict() && field == "Rdata" && sigTimesAfter2106(r1, a.norm[i].rdata, b.norm[i].rdata) {
		return "V2K10 a signature time after 2106 off by seconds"
	}
	return ""
}

// explainZoneAccept accounts for one version accepting a record where the
// other stops with an error.
func explainZoneAccept(a, b *zoneRead) string {
	if len(a.norm) > len(b.norm) && b.err != nil {
		// v2 stopped at a record v1 accepted.
		if tok := quotedToken(b.err); tok != "" {
			_, v1Knows := dns.StringToType[tok]
			_, v2Knows := dnsv2.StringToType[tok]
			if v1Knows && !v2Knows {
				return "V2Z1 a type only v1 implements"
			}
		}
		if rrEscapedName(a.v1[len(b.norm)]) {
			return "V2N1 a name holding an escape (no escapes in v2 names)"
		}
		// V2D4 in text: RFC 3597 generic rdata (\# n hex) shorter than
		// the type's fields: v1 zero-fills the missing ones, v2 rejects
		// it when it unpacks the data as the type.
		if strings.Contains(b.err.Error(), "dns unpack") && lastFieldZero(a.v1[len(b.norm)]) {
			return "V2D4 (text) generic rdata cut short accepted as zero fields"
		}
	}
	// v1 stopped where v2 read on: past the record v1 refused, or to the
	// end without an error.
	v2ReadOn := a.err != nil && (len(b.norm) > len(a.norm) || (len(b.norm) == len(a.norm) && b.err == nil))
	if v2ReadOn && !harness.Strict() && overlongLabel(quotedToken(a.err)) {
		// A name v2 accepted: it wrote no record with it, or one it
		// cannot pack, or it was $ORIGIN's.
		if len(b.norm) == len(a.norm) || b.norm[len(a.norm)].err != nil || strings.Contains(a.err.Error(), "bad origin name") {
			return "V2K7 a relative name with a last label over 63 octets"
		}
	}
	if v2ReadOn && !harness.Strict() && (strings.Contains(a.err.Error(), "TTL") || strings.Contains(a.err.Error(), "SOA")) {
		if ttlOver32(quotedToken(a.err)) {
			return "V2K8 a TTL over 32 bits wraps"
		}
	}
	if v2ReadOn && !harness.Strict() && strings.Contains(a.err.Error(), "AAAA") && strings.Contains(quotedToken(a.err), "%") {
		return "V2K9 an AAAA address with an IPv6 zone"
	}
	if len(b.norm) > len(a.norm) && a.err != nil {
		// v1 stopped at a record v2 accepted.
		if strings.Contains(quotedToken(a.err), `\`) || strings.Contains(b.v2[len(a.norm)].Header().Name, `\`) {
			return "V2N1 a name holding an escape (no escapes in v2 names)"
		}
		if tok := quotedToken(a.err); tok != "" {
			_, v1Knows := dns.StringToType[tok]
			_, v2Knows := dnsv2.StringToType[tok]
			if v2Knows && !v1Knows {
				return "V2Z3 a type only v2 implements"
			}
		}
		// The same by number (TYPE66 is DSYNC to v2): v1 wants the
		// RFC 3597 \# form for a type it does not know.
		if _, v1Knows := dns.TypeToRR[v2Type(b.v2[len(a.norm)])]; !v1Knows {
			return "V2Z3 a type only v2 implements"
		}
	}
	return ""
}

// lastFieldZero reports whether the last rdata field of rr (through
// embedded structs) holds its zero value, as v1's unpacker leaves a field
// the rdata ended before.
func lastFieldZero(rr dns.RR) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	v = v.Elem()
	for v.NumField() > 0 {
		last, sf := v.Field(v.NumField()-1), v.Type().Field(v.NumField()-1)
		if sf.Anonymous && last.Kind() == reflect.Struct {
			v = last
			continue
		}
		return sf.Name != "Hdr" && last.IsZero()
	}
	return false
}

// sigTimesAfter2106 reports whether r1 is an RRSIG or SIG whose v1 and v2
// rdata differ only in the expiration and inception fields (octets 8-15),
// v2's a few seconds later: V2K10.
func sigTimesAfter2106(r1 dns.RR, v1Hex, v2Hex string) bool {
	switch r1.(type) {
	case *dns.RRSIG, *dns.SIG:
	default:
		return false
	}
	a, errA := hex.DecodeString(v1Hex)
	b, errB := hex.DecodeString(v2Hex)
	if errA != nil || errB != nil || len(a) != len(b) || len(a) < 16 || string(a[:8]) != string(b[:8]) || string(a[16:]) != string(b[16:]) {
		return false
	}
	for off := 8; off < 16; off += 4 {
		d := int64(binary.BigEndian.Uint32(b[off:])) - int64(binary.BigEndian.Uint32(a[off:]))
		if d < 0 || d > 128 {
			return false
		}
	}
	return true
}

// overlongLabel reports whether name (presentation form, no escapes) has
// a label longer than 63 octets.
func overlongLabel(name string) bool {
	for _, l := range strings.Split(name, ".") {
		if len(l) > 63 {
			return true
		}
	}
	return false
}

// ttlOver32 reports whether tok is a TTL in RFC 1035 digits or BIND's
// unit form ("1W2D", "00S100000000000", "d10000000000") whose value does not fit 32 bits.
func ttlOver32(tok string) bool {
	var total, num uint64
	for _, c := range tok {
		switch unit := map[rune]uint64{'S': 1, 'M': 60, 'H': 3600, 'D': 86400, 'W': 604800}[c]; {
		case c >= '0' && c <= '9':
			num = num*10 + uint64(c-'0')
			if num > math.MaxUint32*10 {
				return true
			}
		case unit != 0: // a unit without digits counts 0, for both versions
			total, num = total+num*unit, 0
		default:
			return false
		}
		if total > math.MaxUint32 {
			return true
		}
	}
	return total+num > math.MaxUint32
}

// quotedToken is the token a zone parse error quotes (`unknown RR type:
// "APL"`), upper-cased, or "".
func quotedToken(err error) string {
	_, rest, ok := strings.Cut(err.Error(), `"`)
	if !ok {
		return ""
	}
	tok, _, ok := strings.Cut(rest, `"`)
	if !ok {
		return ""
	}
	return strings.ToUpper(tok)
}

// v2EmptyRdata accounts for a record without rdata (every rdata field
// zero, as the wire's RDLENGTH 0 or text without rdata leave it) that the
// versions pack differently: V2K5 when v2 does not write it as empty
// rdata, else v1's known bug FuzzWire/14465593f2dbe5b4 (known.go: an empty
// name written as zero octets, the fields around it in full).
func v2EmptyRdata(a, b rrNorm) string {
	if harness.Strict() || !rdataEmpty(a.rr) || !rdataEmpty(b.rr) {
		return ""
	}
	if b.err != nil || b.rdata != "" {
		return "V2K5 a record without rdata not packed as such by v2"
	}
	return "a known v1 bug (known.go: FuzzWire/14465593f2dbe5b4)"
}

// rdataEmpty reports whether every rdata field of rr (a v1 or v2 record:
// every field but the header, embedded structs walked) is zero.
func rdataEmpty(rr any) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return false
	}
	return fieldsZero(v.Elem())
}

func fieldsZero(v reflect.Value) bool {
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case sf.Name == "Hdr":
		case sf.Anonymous && f.Kind() == reflect.Struct:
			if !fieldsZero(f) {
				return false
			}
		case !f.IsZero():
			return false
		}
	}
	return true
}

// rrDotLabel reports whether a name of rr (owner or rdata) has a label
// holding a '.' byte.
func rrDotLabel(rr dns.RR) bool {
	dot := hasDotLabel(rr.Header().Name)
	eachNameDeep(rr, func(n string) { dot = dot || hasDotLabel(n) })
	return dot
}

// eachNameDeep is eachName also through embedded structs (NXT holds an
// NSEC, CDS a DS, ...).
func eachNameDeep(rr dns.RR, f func(string)) {
	eachName(rr, f)
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		if sf := v.Type().Field(i); sf.Anonymous && sf.Name != "Hdr" && v.Field(i).CanAddr() {
			if inner, ok := v.Field(i).Addr().Interface().(dns.RR); ok {
				eachNameDeep(inner, f)
			}
		}
	}
}

// rrEscapedName reports whether a name of rr (owner or rdata) is spelled
// with an escape in v1's presentation form.
func rrEscapedName(rr dns.RR) bool {
	esc := strings.Contains(rr.Header().Name, `\`)
	eachNameDeep(rr, func(n string) { esc = esc || strings.Contains(n, `\`) })
	return esc
}

// svcbKeysUnsorted reports whether rr is a v2 SVCB or HTTPS record whose
// packed rdata (hex) holds SvcParamKeys not in strictly increasing order.
func svcbKeysUnsorted(rr dnsv2.RR, rdataHex string) bool {
	switch rr.(type) {
	case *dnsv2.SVCB, *dnsv2.HTTPS:
	default:
		return false
	}
	rd, err := hex.DecodeString(rdataHex)
	if err != nil || len(rd) < 3 {
		return false
	}
	off, ok := skipName(rd, 2)
	if !ok {
		return false
	}
	prev := -1
	for off+4 <= len(rd) {
		key := int(binary.BigEndian.Uint16(rd[off:]))
		if key <= prev {
			return true
		}
		prev = key
		off += 4 + int(binary.BigEndian.Uint16(rd[off+2:]))
	}
	return false
}
