// known.go is a catalogue of the miekg/dns bugs the targets tolerate outside
// strict mode, one entry with its reproducer each; it is long because the
// list is.

package dnsfuzz

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// knownBug is a reported defect of miekg/dns that a round-trip oracle would
// otherwise hit on every run, stopping fuzzing at the same old bug. Each
// entry removes exactly the part of a message that triggers it; the target
// re-checks the rest, so the suppression is as narrow as the trigger and
// any other violation in the same input is still reported.
type knownBug struct {
	// id is the reproducer as filed: crashers/_incoming/<Target>/<hash>,
	// which triage ingests into crashers/fuzz-dns.<Target>/.
	id      string
	summary string
	// strip returns m without the triggering records, and whether it
	// found any. src says where m's records came from.
	strip func(m *dns.Msg, src source) (*dns.Msg, bool)
}

// source is where a message's records came from: the wire (Unpack keeps
// each record's RDLENGTH) or built in memory (text parser, builder), where
// RDLENGTH is always 0 and means nothing.
type source int

const (
	fromWire source = iota
	fromMemory
)

// knownBugs of github.com/miekg/dns v1.1.73.
var knownBugs = []knownBug{{
	id: "FuzzWire/14465593f2dbe5b4",
	summary: "Pack writes an empty domain name as zero bytes (meant for UPDATE records " +
		"without rdata). Empty names arise from rdata that ends early (RDLENGTH 0, or " +
		"the message ends inside it: Unpack leaves trailing fields zero) and from " +
		"NewRR text with a blank owner and no origin; the numbers after such a name " +
		"are still packed in full, so the output is misaligned and Unpack rejects it. " +
		"Same root cause: a length field read before the message ended (NSEC3 " +
		"SaltLength, HIP HitLength) with its data cut off packs as a length without " +
		"data (FuzzWire/5e867dfd298ef312); the text parser likewise accepts a salt " +
		"of an odd number of hex digits, or of bytes that are not hex at all, and " +
		"sizes it by halving its length (FuzzRR/8c81c4e88ab242ee)",
	strip: stripShortRdata,
}, {
	id: "FuzzWire/25d76c2aa8bee853",
	summary: "URI.Target and CAA.Value (dns:\"octet\") are unpacked verbatim but packed " +
		"through the presentation-escape decoder, so a backslash byte on the wire " +
		"is dropped and the byte after it changes meaning",
	strip: stripOctetBackslash,
}, {
	id: "FuzzRR/9ad76e702cc166af",
	summary: "AMTRELAY pack and unpack switch on GatewayType without masking the " +
		"discovery bit (0x80) that the text parser and String honour, so a relay " +
		"with D=1 loses its address or host name on the wire",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			r, ok := rr.(*dns.AMTRELAY)
			return ok && r.GatewayType&0x80 != 0 && r.GatewayType&0x7f != 0
		})
	},
}, {
	id: "FuzzZone/4f17917bb919cbd9",
	summary: "the CAA parser accepts a quoted tag holding blanks and quotes " +
		"(RFC 8659 allows only letters and digits) and String prints it bare, " +
		"so the String form does not parse",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			r, ok := rr.(*dns.CAA)
			return ok && strings.IndexFunc(r.Tag, func(c rune) bool {
				return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
			}) >= 0
		})
	},
}, {
	id: "FuzzRR/d5f1e7fbc4bb594b",
	summary: "the NSEC3 text parser sets HashLength to 20 whatever the length of the " +
		"next hashed owner name it parses; Pack writes both, so the type bitmap is " +
		"misaligned and Unpack rejects the record. It also accepts a next hashed " +
		"owner of a length that is no whole number of octets, whose spare bits Pack drops, " +
		"and takes the line's newline as the next hashed owner when the String form of " +
		"a record without one (NewRR's rdata-less form) ends in a blank " +
		"(FuzzRR/e9d4152b8b45dc5f)",
	strip: func(m *dns.Msg, src source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			r, ok := rr.(*dns.NSEC3)
			if !ok {
				return false
			}
			if r.NextDomain == "" {
				return src == fromMemory // String ends in "- ": FuzzRR/e9d4152b8b45dc5f
			}
			next, err := base32.HexEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(r.NextDomain))
			// A length that is no whole number of octets (33
			// base32 digits) fails strict decoding; Pack drops the
			// spare bits (FuzzZone/96fd25d2a3ccf227).
			return err != nil || len(next) != int(r.HashLength) || b32hex(next) != strings.ToUpper(r.NextDomain)
		})
	},
}, {
	id: "FuzzStructured/8e178ca97feba6c2",
	summary: "Pack never checks the 255-octet limit of a domain name (only Unpack " +
		"does), so it writes messages with 257-octet names that Unpack rejects",
	strip: stripLongNames,
}, {
	id: "FuzzTruncate/5d481edc8aa0b149",
	summary: "Msg.Copy and dns.Copy are not deep for EDNS0 options: EDNS0_SUBNET.copy " +
		"shares Address and EDNS0_DAU/DHU/N3U.copy share AlgCode, so changing a " +
		"copied reply (say, rewriting client subnet) changes the original",
	strip: stripSharedOptions,
}, {
	id: "FuzzZone/c8c4ca1b9e0f2149",
	summary: "a type bitmap (NSEC, NSEC3, CSYNC, NXT) holding type 0 prints it as " +
		"\"None\", which the parser rejects, so the String form does not parse",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			var bm []uint16
			switch r := rr.(type) {
			case *dns.NSEC:
				bm = r.TypeBitMap
			case *dns.NXT:
				bm = r.TypeBitMap
			case *dns.NSEC3:
				bm = r.TypeBitMap
			case *dns.CSYNC:
				bm = r.TypeBitMap
			}
			for _, t := range bm {
				if t == 0 {
					return true
				}
			}
			return false
		})
	},
}, {
	id: "FuzzRR/e5952a810db76810",
	summary: "NAPTR.String prints Replacement verbatim instead of escaping it like " +
		"every other name (sprintName), so a replacement holding a newline, blank " +
		"or quote does not survive String -> NewRR",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			r, ok := rr.(*dns.NAPTR)
			return ok && strings.IndexFunc(r.Replacement, func(c rune) bool {
				return c <= ' ' || c > '~' || strings.ContainsRune("\"();\\`$@", c)
			}) >= 0
		})
	},
}, {
	id: "FuzzZone/2e64d06b11372fac",
	summary: "the SVCB text parser accepts an unknown key name in mandatory= as the " +
		"reserved key 65535 (RFC 9460: an invalid key); String prints it as key65535, " +
		"which does not parse back to the same list",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			var vals []dns.SVCBKeyValue
			switch r := rr.(type) {
			case *dns.SVCB:
				vals = r.Value
			case *dns.HTTPS:
				vals = r.Value
			}
			for _, v := range vals {
				if mk, ok := v.(*dns.SVCBMandatory); ok {
					for _, k := range mk.Code {
						if k == 65535 {
							return true
						}
					}
				}
			}
			return false
		})
	},
}, {
	id: "FuzzRR/01fb4ecd534b009b",
	summary: "the HINFO (and ISDN, same code) text parser splits a quoted string " +
		"longer than 255 octets into 255-octet chunks and joins every chunk after " +
		"the first with a blank, so it builds a CPU or OS over 255 octets that no " +
		"character-string (RFC 1035 3.3) holds: PackRR refuses the record, and each " +
		"String -> NewRR adds a blank at every chunk boundary",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			switch r := rr.(type) {
			case *dns.HINFO:
				return overlongCharString(r.Cpu) || overlongCharString(r.Os)
			case *dns.ISDN:
				return overlongCharString(r.Address) || overlongCharString(r.SubAddress)
			}
			return false
		})
	},
}, {
	id: "FuzzRR/68ec2f919acba379",
	summary: "the text parsers of hex rdata fields (SSHFP fingerprint, TLSA/SMIMEA " +
		"data, DS/CDS/TA/DLV digest, ZONEMD digest, EID/NIMLOC) take the rest of the " +
		"line, quoted or not, without checking it is hex (RFC 4255 3.2, RFC 6698 2.2, " +
		"RFC 4034 5.3): the record does not pack, and a value holding a newline, " +
		"blank, quote or parenthesis prints a String form that parses to another " +
		"record or not at all",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, hasBadHex)
	},
}, {
	id: "FuzzWire/b59e3f58dc3d9ea4",
	summary: "Unpack accepts an SVCB/HTTPS alpn value holding an empty alpn-id " +
		"(RFC 9460 7.1.1 over RFC 7301's ProtocolName<1..2^8-1>), which Pack " +
		"refuses; IsDuplicate compares SVCB values by packing them, so such a " +
		"record is not a duplicate of itself or of its copy",
	strip: func(m *dns.Msg, _ source) (*dns.Msg, bool) {
		return stripRRs(m, func(rr dns.RR) bool {
			var vals []dns.SVCBKeyValue
			switch r := rr.(type) {
			case *dns.SVCB:
				vals = r.Value
			case *dns.HTTPS:
				vals = r.Value
			}
			for _, v := range vals {
				if a, ok := v.(*dns.SVCBAlpn); ok && slices.Contains(a.Alpn, "") {
					return true
				}
			}
			return false
		})
	},
}}

// hasBadHex reports whether a `dns:"hex"` field of rr (embedded structs
// included: CDS holds a DS) is not an even number of hex digits.
func hasBadHex(rr dns.RR) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	return badHexIn(v.Elem())
}

func badHexIn(v reflect.Value) bool {
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		if sf.Anonymous && f.Kind() == reflect.Struct {
			if badHexIn(f) {
				return true
			}
			continue
		}
		if sf.Tag.Get("dns") == "hex" && f.Kind() == reflect.String {
			if _, err := hex.DecodeString(f.String()); err != nil {
				return true
			}
		}
	}
	return false
}

// overlongCharString reports whether s, a character-string in miekg/dns's
// presentation form, holds more than the 255 octets its wire form can.
func overlongCharString(s string) bool {
	buf := make([]byte, 4*len(s)+64)
	_, err := dns.PackRR(&dns.TXT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{s}}, buf, 0, nil, false)
	return err != nil
}

// stripSharedOptions removes the EDNS0 options whose copy() is shallow.
func stripSharedOptions(m *dns.Msg, _ source) (*dns.Msg, bool) {
	c := m.Copy()
	found := false
	for _, rr := range append(append(append([]dns.RR(nil), c.Answer...), c.Ns...), c.Extra...) { // OPT may sit in any section
		o, ok := rr.(*dns.OPT)
		if !ok {
			continue
		}
		var keep []dns.EDNS0
		for _, e := range o.Option {
			switch e.(type) {
			case *dns.EDNS0_SUBNET, *dns.EDNS0_DAU, *dns.EDNS0_DHU, *dns.EDNS0_N3U:
				found = true
				continue
			}
			keep = append(keep, e)
		}
		o.Option = keep
	}
	return c, found
}

// stripLongNames removes the questions and records holding a name longer
// than 255 octets in wire form.
func stripLongNames(m *dns.Msg, _ source) (*dns.Msg, bool) {
	c, found := stripRRs(m, func(rr dns.RR) bool {
		if wireLen(rr.Header().Name) > 255 {
			return true
		}
		long := false
		eachName(rr, func(n string) { long = long || wireLen(n) > 255 })
		return long
	})
	var qs []dns.Question
	for _, q := range c.Question {
		if wireLen(q.Name) > 255 {
			found = true
			continue
		}
		qs = append(qs, q)
	}
	c.Question = qs
	return c, found
}

// wireLen is the uncompressed wire length of name, 0 if it does not pack.
func wireLen(name string) int {
	buf := make([]byte, 4*len(name)+2)
	off, err := dns.PackDomainName(name, buf, 0, nil, false)
	if err != nil {
		return 0
	}
	return off
}

// eachName calls f with every domain name in rr's rdata.
func eachName(rr dns.RR, f func(string)) {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		switch v.Type().Field(i).Tag.Get("dns") {
		case "domain-name", "cdomain-name", "ipsechost", "amtrelayhost":
			switch fv := v.Field(i); fv.Kind() {
			case reflect.String:
				f(fv.String())
			case reflect.Slice:
				for j := 0; j < fv.Len(); j++ {
					f(fv.Index(j).String())
				}
			}
		}
	}
	if s, ok := rr.(*dns.HTTPS); ok {
		f(s.Target)
	}
}

// stripKnown removes every known bug's trigger from m. Under
// harness.Strict (triage's replays) it removes nothing, so the stored
// reproducers still fail and a fixed dependency shows as fixed.
func stripKnown(m *dns.Msg, src source) (*dns.Msg, bool) {
	if harness.Strict() {
		return m, false
	}
	any := false
	for _, b := range knownBugs {
		if stripped, found := b.strip(m, src); found {
			m, any = stripped, true
		}
	}
	return m, any
}

// stripShortRdata removes the records that were unpacked from an empty
// rdata (Unpack keeps the wire RDLENGTH in the header) or hold an empty
// owner or rdata domain name.
func stripShortRdata(m *dns.Msg, src source) (*dns.Msg, bool) {
	return stripRRs(m, func(rr dns.RR) bool {
		return src == fromWire && rr.Header().Rdlength == 0 && dns.Len(rr) > dns.Len(rr.Header()) ||
			rr.Header().Name == "" || hasEmptyName(rr) || sizeMismatch(rr)
	})
}

// sizeMismatch reports whether a length field of rr (the X of a
// `dns:"size-hex:X"`, size-base32 or size-base64 tag) disagrees with the
// decoded length of the data it sizes.
func sizeMismatch(rr dns.RR) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		kind, sizeField, ok := strings.Cut(v.Type().Field(i).Tag.Get("dns"), ":")
		if !ok || !strings.HasPrefix(kind, "size-") || v.Field(i).Kind() != reflect.String {
			continue
		}
		size := v.FieldByName(sizeField)
		if !size.IsValid() || !size.CanUint() {
			continue
		}
		s, n := v.Field(i).String(), -1
		switch kind {
		case "size-hex":
			if len(s)%2 == 1 {
				return true // an odd number of hex digits: Pack drops the last
			}
			if _, err := hex.DecodeString(s); err != nil {
				return true // not hex at all (FuzzRR/8c81c4e88ab242ee)
			}
			n = len(s) / 2
		case "size-base32":
			if b, err := base32.HexEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(s)); err == nil {
				n = len(b)
			}
		case "size-base64":
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				n = len(b)
			}
		}
		if n >= 0 && uint64(n) != size.Uint() {
			return true
		}
	}
	return false
}

// hasEmptyName reports whether a domain-name field of rr's rdata is "".
func hasEmptyName(rr dns.RR) bool {
	v := reflect.ValueOf(rr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		tag := v.Type().Field(i).Tag.Get("dns")
		if (tag == "domain-name" || tag == "cdomain-name") && v.Field(i).Kind() == reflect.String && v.Field(i).String() == "" {
			return true
		}
	}
	return false
}

// stripOctetBackslash removes URI and CAA records whose octet field holds
// a backslash.
func stripOctetBackslash(m *dns.Msg, _ source) (*dns.Msg, bool) {
	return stripRRs(m, func(rr dns.RR) bool {
		switch r := rr.(type) {
		case *dns.URI:
			return strings.Contains(r.Target, `\`)
		case *dns.CAA:
			return strings.Contains(r.Value, `\`)
		}
		return false
	})
}

// stripRRs returns a copy of m without the records drop selects.
func stripRRs(m *dns.Msg, drop func(dns.RR) bool) (*dns.Msg, bool) {
	c := m.Copy()
	found := false
	keep := func(rrs []dns.RR) []dns.RR {
		var out []dns.RR
		for _, rr := range rrs {
			if drop(rr) {
				found = true
				continue
			}
			out = append(out, rr)
		}
		return out
	}
	c.Answer, c.Ns, c.Extra = keep(c.Answer), keep(c.Ns), keep(c.Extra)
	return c, found
}

// unlessKnown returns err unless it is a Violation explained by a known
// bug: one whose trigger is present in m and without which check(m')
// passes. If check still fails without the trigger, that failure is
// returned instead, so an unrelated bug is never hidden.
func unlessKnown(err error, m *dns.Msg, src source, check func(*dns.Msg) error) error {
	var v *harness.Violation
	if err == nil || !errors.As(err, &v) {
		return err
	}
	m, any := stripKnown(m, src)
	if !any {
		return err
	}
	return check(m)
}

// mandatoryUnsorted reports the known miekg/dns v1.1.73 bug of
// findings/miekg-dns-svcb-mandatory-order
// (fuzz-dns.FuzzDifferential/7f6ea0926215): Unpack accepts an SVCB/HTTPS
// "mandatory" value whose keys are not in strictly increasing order (RFC
// 9460 section 8), keeping them as sent, and Pack writes them sorted, so
// the rdata v1 reports differs from the one received (and from
// dnsmessage's opaque value). Tolerated unless harness.Strict.
func mandatoryUnsorted(m *dns.Msg) bool {
	if mandatoryStrict() {
		return false
	}
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			var vals []dns.SVCBKeyValue
			switch r := rr.(type) {
			case *dns.SVCB:
				vals = r.Value
			case *dns.HTTPS:
				vals = r.Value
			}
			for _, v := range vals {
				mk, ok := v.(*dns.SVCBMandatory)
				if !ok {
					continue
				}
				for i := 1; i < len(mk.Code); i++ {
					if mk.Code[i] <= mk.Code[i-1] {
						return true
					}
				}
			}
		}
	}
	return false
}

// mandatoryStrict is harness.Strict; oracle tests turn it on.
var mandatoryStrict = harness.Strict
