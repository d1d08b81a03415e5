package dnsfuzz

import (
	"encoding/base64"
	"net"
	"reflect"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

// normalText is a copy of rr in the normal form the text oracles compare: a
// record parsed from text keeps some fields as the text spelled them, while
// the same record unpacked from the wire, or reparsed from its String form,
// holds the canonical spelling. The differences erased, and why each is a
// spelling and not a change of value:
//
//   - RR_Header.Rdlength: see normalMsg.
//
//   - domain names (owner and every domain-name rdata field, HIP's list of
//     rendezvous servers too): "a\032b" and
//     "a\ b" are one label; compared by their wire form (PackDomainName then
//     UnpackDomainName). Case is kept: DNS preserves it.
//
//   - hex fields (DS/CDS/TA/DLV digest, NSEC3 salt, HIP HIT, EID/NIMLOC,
//     TLSA/SMIMEA/SSHFP data, ZONEMD): hex digits in either case;
//     compared upper-cased. The same for base32hex (NSEC3 next hashed
//     owner), whose text the parser keeps as written.
//
//   - base64 fields (keys, signatures, DHCID, CERT, OPENPGPKEY): compared
//     decoded and re-encoded, so padding and line breaks do not count.
//
//   - SVCB/HTTPS parameters: the text may list keys, and the keys of
//     "mandatory", in any order; Pack sorts both (RFC 9460 sections 2.2
//     and 8); compared sorted.
//
//   - NSEC/NSEC3/CSYNC type bitmaps: the parser keeps the types as listed,
//     duplicates included; the wire holds a set. Compared as sorted sets.
//
//   - EDNS0 options: see normalOption.
//
//   - net.IP fields: a 4-byte and a 16-byte v4-mapped slice are the same
//     address; compared in 16-byte form.
//
//   - TXT-like strings (TXT, SPF, AVC, NINFO, ...): miekg/dns keeps
//     character-strings in presentation form, as the text spelled them
//     ("\01" and "01" are the same bytes); compared as Unpack spells them
//     (PackRR then UnpackRR of a TXT holding them). The same for the
//     character-string fields of HINFO, NAPTR, X25, ISDN and the like.
//
//   - octet fields (URI target, CAA value): String escapes bytes the text
//     may hold raw; compared as the bytes Pack writes.
//
// Deliberately not erased: TTLs, classes, numbers, name case.
func normalText(rr dns.RR) dns.RR {
	c := dns.Copy(rr)
	c.Header().Rdlength = 0
	c.Header().Name = canonicalName(c.Header().Name)
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return c
	}
	normalFields(v.Elem())
	switch r := c.(type) {
	case *dns.SVCB:
		sortSVCB(r.Value)
	case *dns.HTTPS:
		sortSVCB(r.Value)
	case *dns.OPT:
		for _, o := range r.Option {
			normalOption(o)
		}
	}
	return c
}

// normalOption puts an EDNS0 option in normal form:
//   - Code is set to Option(). Unpack leaves Code zero for several kinds
//     (DHU, N3U, TCP_KEEPALIVE, REPORTING, ...) although each documents it
//     as "always EDNS0X"; Pack writes Option(), never Code.
//   - net.IP in 16-byte form, empty byte slices as nil (Unpack returns
//     either), the REPORTING agent domain in canonical spelling.
func normalOption(o dns.EDNS0) {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	e := v.Elem()
	for i := 0; i < e.NumField(); i++ {
		f := e.Field(i)
		switch {
		case !f.CanSet():
		case e.Type().Field(i).Name == "Code" && f.Kind() == reflect.Uint16:
			f.SetUint(uint64(o.Option()))
		case f.Type() == reflect.TypeOf(net.IP(nil)):
			if ip := f.Interface().(net.IP); ip != nil {
				f.Set(reflect.ValueOf(ip.To16()))
			}
		case f.Kind() == reflect.Slice && f.Len() == 0:
			f.Set(reflect.Zero(f.Type()))
		}
	}
	if r, ok := o.(*dns.EDNS0_REPORTING); ok {
		r.AgentDomain = canonicalName(r.AgentDomain)
	}
}

func sortSVCB(vals []dns.SVCBKeyValue) {
	sort.SliceStable(vals, func(i, j int) bool { return vals[i].Key() < vals[j].Key() })
	for _, v := range vals {
		if m, ok := v.(*dns.SVCBMandatory); ok {
			sort.Slice(m.Code, func(i, j int) bool { return m.Code[i] < m.Code[j] })
		}
	}
}

func normalFields(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f, tag := v.Field(i), v.Type().Field(i).Tag.Get("dns")
		if !f.CanSet() {
			continue
		}
		if v.Type().Field(i).Anonymous && f.Kind() == reflect.Struct {
			normalFields(f) // CDS embeds DS, CDNSKEY embeds DNSKEY, ...
			continue
		}
		switch {
		case (tag == "domain-name" || tag == "cdomain-name") && f.Type() == reflect.TypeOf([]string(nil)):
			names := append([]string(nil), f.Interface().([]string)...)
			for i := range names {
				names[i] = canonicalName(names[i])
			}
			f.Set(reflect.ValueOf(names))
		case tag == "txt" && f.Type() == reflect.TypeOf([]string(nil)):
			f.Set(reflect.ValueOf(canonicalTxt(f.Interface().([]string))))
		case tag == "nsec" && f.Type() == reflect.TypeOf([]uint16(nil)):
			f.Set(reflect.ValueOf(typeSet(f.Interface().([]uint16))))
		case f.Type() == reflect.TypeOf(net.IP(nil)):
			if ip := f.Interface().(net.IP); ip != nil {
				f.Set(reflect.ValueOf(ip.To16()))
			}
		case f.Kind() != reflect.String:
		case tag == "domain-name" || tag == "cdomain-name" || tag == "amtrelayhost" || tag == "ipsechost":
			f.SetString(canonicalName(f.String()))
		case tag == "":
			// An untagged string in rdata is a character-string
			// (HINFO, NAPTR, X25, ISDN, ...).
			f.SetString(canonicalTxt([]string{f.String()})[0])
		case tag == "octet":
			f.SetString(canonicalOctet(f.String()))
		case strings.Contains(tag, "hex") || strings.Contains(tag, "base32"):
			f.SetString(strings.ToUpper(f.String()))
		case strings.Contains(tag, "base64"):
			if b, err := base64.StdEncoding.DecodeString(f.String()); err == nil {
				f.SetString(base64.StdEncoding.EncodeToString(b))
			}
		}
	}
}

// canonicalTxt is ss as Unpack spells character-strings (escaped
// presentation form), or ss itself when it does not pack.
func canonicalTxt(ss []string) []string {
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: ss}
	buf := make([]byte, dns.Len(rr)+1)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return ss
	}
	back, _, err := dns.UnpackRR(buf[:off], 0)
	if err != nil {
		return ss
	}
	return back.(*dns.TXT).Txt
}

// typeSet is bitmap sorted with duplicates removed: the set a type bitmap
// encodes.
func typeSet(bitmap []uint16) []uint16 {
	out := append([]uint16(nil), bitmap...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	n := 0
	for i, t := range out {
		if i == 0 || t != out[n-1] {
			out[n] = t
			n++
		}
	}
	return out[:n]
}

// canonicalOctet is the raw bytes Pack writes for an octet field (URI
// target, CAA value): the text form's escapes resolved. Unpack keeps octet
// fields verbatim, so this is also how Unpack spells them.
func canonicalOctet(s string) string {
	rr := &dns.URI{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeURI, Class: dns.ClassINET}, Target: s}
	buf := make([]byte, dns.Len(rr)+1)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return s
	}
	back, _, err := dns.UnpackRR(buf[:off], 0)
	if err != nil {
		return s
	}
	return back.(*dns.URI).Target
}

// canonicalName is s as UnpackDomainName spells it, or s itself when it
// does not pack (an invalid name is then compared as written).
func canonicalName(s string) string {
	if s == "" {
		return s
	}
	buf := make([]byte, 256+len(s))
	off, err := dns.PackDomainName(s, buf, 0, nil, false)
	if err != nil {
		return s
	}
	n, _, err := dns.UnpackDomainName(buf[:off], 0)
	if err != nil {
		return s
	}
	return n
}
