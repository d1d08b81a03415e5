package dnsfuzz

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	dnsv2 "codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/rdata"
	"github.com/miekg/dns"
)

// The record normal form in which miekg/dns v1 and v2 are compared, record
// by record: each version writes the record it decoded (from the wire, or
// from zone text) in uncompressed wire form with its own packer, and the
// owner, type, class, TTL and rdata octets are compared. The wire form is
// the only representation both versions define the same way (RFC 1035
// 3.2.1 and 4.1.3; RFC 3597 5 for any type as opaque rdata): their Go
// structs, field names and presentation formats differ by design
// (README-diff-with-v1.md: rdata package, svcb and deleg packages, "RR lost
// the Type and Rdlength fields"), so a field-by-field or String comparison
// would compare spellings, not values. Uncompressed, because compression is
// a packing choice (RFC 1035 4.1.4).

// rrNorm is one record in the normal form.
type rrNorm struct {
	owner string // wire labels as hex, "" if the record did not pack
	typ   uint16
	class uint16
	ttl   uint32
	rdata string // hex
	err   error  // the packer refused the record
	text  string // the record's String, for reports only
	rr    any    // the record: a dns.RR (v1) or a dnsv2.RR (v2), for the divergences
}

// key is the record's normal form as one comparable string.
func (n rrNorm) key() string {
	if n.err != nil {
		return "pack error"
	}
	return fmt.Sprintf("%s|%d|%d|%d|%s", n.owner, n.typ, n.class, n.ttl, n.rdata)
}

// field names the first field in which n and o differ ("" when equal).
func (n rrNorm) field(o rrNorm) string {
	switch {
	case (n.err == nil) != (o.err == nil):
		return "Pack"
	case n.err != nil:
		return ""
	case n.owner != o.owner:
		return "Owner"
	case n.typ != o.typ:
		return "Type"
	case n.class != o.class:
		return "Class"
	case n.ttl != o.ttl:
		return "TTL"
	case n.rdata != o.rdata:
		return "Rdata"
	}
	return ""
}

// v1Norm is rr, as miekg/dns v1 packs it, in the normal form.
func v1Norm(rr dns.RR) rrNorm {
	n := rrNorm{text: rr.String(), rr: rr, typ: rr.Header().Rrtype}
	// PackRR stores the length it wrote in the header; the divergences
	// read the length the wire gave (v1Lenient), so it is put back.
	defer func(h *dns.RR_Header, l uint16) { h.Rdlength = l }(rr.Header(), rr.Header().Rdlength)
	buf := make([]byte, dns.Len(rr)+1)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		n.err = err
		return n
	}
	if !splitWireRR(buf[:off], &n) {
		n.err = fmt.Errorf("v1 PackRR wrote %x, which is no record", buf[:off])
	}
	return n
}

// v2CompressionFloor is the size of the record v2Norms puts before the
// records it packs: v2's Msg.Pack always compresses a message with records,
// but stores no name at an offset at or past 0x3FFF (the largest a pointer
// holds), so records packed after it are written uncompressed.
const v2CompressionFloor = 0x4000

// v2Filler is that record, built once: Pack only reads it.
var v2Filler = &dnsv2.NULL{Hdr: dnsv2.Header{Name: ".", Class: dnsv2.ClassINET}, NULL: rdata.NULL{Null: strings.Repeat("\x00", v2CompressionFloor)}}

// v2Norms is rrs, as miekg/dns v2 packs them, in the normal form. They are
// packed in one message behind a filler record (see v2CompressionFloor);
// when that fails, one by one, so one record v2 refuses to pack does not
// hide the others.
func v2Norms(rrs []dnsv2.RR) []rrNorm {
	out := make([]rrNorm, len(rrs))
	if len(rrs) == 0 {
		return out
	}
	if recs, err := v2Pack(rrs); err == nil && len(recs) == len(rrs) {
		for i, r := range recs {
			out[i] = r
			out[i].text, out[i].rr = rrs[i].String(), rrs[i]
		}
		return out
	}
	for i, rr := range rrs {
		recs, err := v2Pack([]dnsv2.RR{rr})
		switch {
		case err != nil:
			out[i].err = err
		case len(recs) != 1:
			out[i].err = fmt.Errorf("v2 packed %d records for one", len(recs))
		default:
			out[i] = recs[0]
		}
		out[i].text, out[i].rr = rr.String(), rr
		if out[i].err != nil {
			out[i].typ = v2Type(rr)
		}
	}
	return out
}

// v2Pack packs rrs as the answers of a message after the filler and splits
// the result into records.
func v2Pack(rrs []dnsv2.RR) (out []rrNorm, err error) {
	defer func() {
		// A panic in v2's packer is a finding of the packer, not of this
		// comparison: repanic with the record named.
		if r := recover(); r != nil {
			panic(fmt.Sprintf("codeberg.org/miekg/dns Msg.Pack of %d records: %v", len(rrs), r))
		}
	}()
	m := &dnsv2.Msg{Answer: append([]dnsv2.RR{v2Filler}, rrs...)}
	if err := m.Pack(); err != nil {
		return nil, err
	}
	data := m.Data
	if len(data) < 12 || int(binary.BigEndian.Uint16(data[6:])) != len(rrs)+1 {
		return nil, fmt.Errorf("v2 Msg.Pack wrote a header for %x", data[:min(len(data), 12)])
	}
	off := 12
	for i := 0; i <= len(rrs); i++ {
		end, ok := wireRREnd(data, off)
		if !ok {
			return nil, fmt.Errorf("v2 Msg.Pack wrote no record %d at offset %d", i, off)
		}
		if i > 0 {
			var n rrNorm
			if !splitWireRR(data[off:end], &n) {
				return nil, fmt.Errorf("v2 Msg.Pack wrote no record %d at offset %d", i, off)
			}
			out = append(out, n)
		}
		off = end
	}
	return out, nil
}

// wireRREnd is the end of the uncompressed record starting at off.
func wireRREnd(data []byte, off int) (int, bool) {
	for off < len(data) && data[off] != 0 {
		if data[off]&0xc0 != 0 {
			return 0, false // the normal form has no pointers
		}
		off += 1 + int(data[off])
	}
	off++
	if off+10 > len(data) {
		return 0, false
	}
	end := off + 10 + int(binary.BigEndian.Uint16(data[off+8:]))
	return end, end <= len(data)
}

// splitWireRR fills n's fields from rec, which must be exactly one
// uncompressed record.
func splitWireRR(rec []byte, n *rrNorm) bool {
	end, ok := wireRREnd(rec, 0)
	if !ok || end != len(rec) {
		return false
	}
	return splitAt(rec, n)
}

// splitAt walks the owner name of rec and fills n.
func splitAt(rec []byte, n *rrNorm) bool {
	off := 0
	for off < len(rec) && rec[off] != 0 {
		off += 1 + int(rec[off])
	}
	off++
	if off+10 > len(rec) {
		return false
	}
	n.owner = hex.EncodeToString(rec[:off])
	n.typ = binary.BigEndian.Uint16(rec[off:])
	n.class = binary.BigEndian.Uint16(rec[off+2:])
	n.ttl = binary.BigEndian.Uint32(rec[off+4:])
	n.rdata = hex.EncodeToString(rec[off+10:])
	return true
}
