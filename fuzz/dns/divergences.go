package dnsfuzz

import (
	"encoding/binary"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"
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
	// the record's end fails ("buffer size too small"); dnsmessage follows
	// pointers anywhere in the message. RFC 1035 section 4.1.4 pointers name
	// a prior occurrence, so miekg/dns's is the stricter reading.
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
// to an offset at or past the end of r's rdata.
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
				if off+1 < len(data) && (c&0x3f)<<8|int(data[off+1]) >= r.end {
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
