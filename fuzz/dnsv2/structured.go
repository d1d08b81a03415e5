package dnsv2fuzz

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/deleg"
	"codeberg.org/miekg/dns/svcb"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Structured builds a message from data with go-fuzz-headers through v2's
// API: the header with its EDNS fields (UDP size, DO, CO, DE, an extended
// RCODE), one question, records of every type v2 has a struct for (each
// field filled by its dns struct tag: names, hex, base32, base64, bitmaps,
// SVCB pairs, DELEG infos), EDNS0 options of every code, and DSO records.
// It checks:
//
//   - roundtrip: Pack -> Unpack gives every record and EDNS0 option back
//     (in the normal form of normalRR, or the same wire form: sameWire)
//     and the header (an option's Len decides the length Pack writes for
//     it, so a wrong Len shows here);
//   - roundtrip at "Pack": the unpacked message packs to the same bytes;
//   - invariant at "Len": Msg.Len is not below the packed length;
//   - invariant at "Stateful[i].<Type>.Len": a DSO record's Len is the
//     octets of its TLV (RFC 8490 5.4), as the DSO interface requires;
//     v0.6.0 has no DSO wire codec (Pack leaves the stateful section
//     out), so Len, String and Clone are what there is to check.
//
// A message Pack refuses (a name over 255 octets, a field out of range)
// checks nothing: refusing is the right answer.
func Structured(data []byte) error {
	s := src{fuzz.NewConsumer(data)}
	m := buildMsg(s)
	for i, rr := range m.Stateful {
		touchRR(rr)
		if err := checkClone(fmt.Sprintf("Msg.Stateful[%d]", i), rr, false); err != nil {
			return err
		}
		if want := dsoLen(rr.(dns.DSO)); want >= 0 && rr.Len() != want && !knownDSOLen(rr.Len(), want) {
			return harness.Violated("invariant", fmt.Sprintf("Msg.Stateful[%d].%s.Len", i, typeName(rr)), "Len() = %d, the TLV is %d octets", rr.Len(), want)
		}
	}
	m.Stateful = nil
	stripKnown(m)
	m.Answer = slices.DeleteFunc(m.Answer, func(rr dns.RR) bool { return knownText(rr, true) })
	for _, rr := range m.Pseudo {
		touchRR(rr)
	}
	for _, rr := range m.Answer {
		touchRR(rr)
	}
	want := normalMsg(cloneMsg(m))
	if err := pack(m); err != nil {
		return nil
	}
	w1 := m.Data
	if n := msgLen(m); n < len(w1) {
		return harness.Violated("invariant", "Len", "Msg.Len() = %d under-estimates the %d bytes Pack wrote", n, len(w1))
	}
	m2 := &dns.Msg{Data: bytes.Clone(w1)}
	if err := m2.Unpack(); err != nil {
		return harness.Violated("roundtrip", "Unpack", "packed message does not unpack: %v\n%s", stableErr(err), m)
	}
	got := normalMsg(m2)
	if p, d, ok := harness.FirstDiff("Msg.Header", want.Header, got.Header); !ok {
		return harness.Violated("roundtrip", p, "%s", d)
	}
	for _, sec := range []struct {
		name      string
		want, got []dns.RR
	}{{"Question", want.Question, got.Question}, {"Answer", want.Answer, got.Answer}, {"Pseudo", want.Pseudo, got.Pseudo}} {
		if len(sec.want) != len(sec.got) {
			return harness.Violated("roundtrip", "len(Msg."+sec.name+")", "%d records built, %d unpacked\n%s", len(sec.want), len(sec.got), m2)
		}
		for i := range sec.want {
			path := fmt.Sprintf("Msg.%s[%d].%s", sec.name, i, typeName(sec.want[i]))
			if p, d, ok := harness.FirstDiff(path, normalRR(sec.want[i]), normalRR(sec.got[i])); !ok && !sameWire(sec.want[i], sec.got[i]) {
				return harness.Violated("roundtrip", p, "%s\nbuilt: %s\nunpacked: %s", d, sec.want[i], sec.got[i])
			}
		}
	}
	m2.Data = nil
	if err := pack(m2); err != nil {
		return harness.Violated("roundtrip", "Pack", "second Pack fails: %v", err)
	}
	if !bytes.Equal(w1, m2.Data) {
		return harness.Violated("roundtrip", "Pack", "Pack is not a fixpoint:\n%x\n%x", w1, m2.Data)
	}
	return nil
}

// dsoLen is the octets of a DSO TLV (RFC 8490 5.4: type, length, data),
// or -1 for a type this target does not size.
func dsoLen(d dns.DSO) int {
	switch r := d.(type) {
	case *dns.KEEPALIVE:
		return 4 + 8
	case *dns.RETRYDELAY:
		return 4 + 4
	case *dns.DPADDING:
		return 4 + len(r.Padding)/2
	}
	return -1
}

// buildMsg is the message Structured checks.
func buildMsg(s src) *dns.Msg {
	m := &dns.Msg{}
	m.ID = s.u16()
	f := s.u16()
	m.Response, m.Authoritative, m.Truncated, m.RecursionDesired = f&1 != 0, f&2 != 0, f&4 != 0, f&8 != 0
	m.RecursionAvailable, m.Zero, m.AuthenticatedData, m.CheckingDisabled = f&16 != 0, f&32 != 0, f&64 != 0, f&128 != 0
	m.Security, m.CompactAnswers, m.Delegation = f&256 != 0, f&512 != 0, f&1024 != 0
	m.Opcode = s.u8() % 16
	m.Rcode = uint16(s.u8() % 16)
	if f&2048 != 0 {
		m.Rcode |= uint16(s.u8()) << 4 // extended, carried by the OPT
	}
	if f&4096 != 0 {
		m.UDPSize = 512 + s.u16()%8192
	}
	types := sortedKeys(dns.TypeToRR)
	q := dns.TypeToRR[types[s.n(len(types))]]()
	*q.Header() = dns.Header{Name: s.name(), Class: dns.ClassINET}
	m.Question = []dns.RR{q}
	owner := s.name()
	for range s.n(8) {
		t := types[s.n(len(types))]
		switch t {
		case dns.TypeOPT, dns.TypeTSIG, dns.TypeSIG:
			continue // pseudo-section records, not built here
		}
		rr := dns.TypeToRR[t]()
		if s.bool() {
			owner = s.name()
		}
		*rr.Header() = dns.Header{Name: owner, Class: dns.ClassINET, TTL: s.u32() & 0x7fffffff}
		fill(s, reflect.ValueOf(rr).Elem(), "")
		m.Answer = append(m.Answer, rr)
	}
	codes := sortedKeys(dns.CodeToRR)
	for range s.n(5) {
		o := dns.CodeToRR[codes[s.n(len(codes))]]()
		fill(s, reflect.ValueOf(o).Elem(), "")
		switch o := o.(type) {
		case *dns.TCPKEEPALIVE:
			o.Length = 0 // deprecated, "always equal to 0"
		case *dns.REPORTING:
			o.AgentDomain = s.name() // untagged, a domain name (RFC 9567)
		}
		m.Pseudo = append(m.Pseudo, o)
	}
	stateful := sortedKeys(dns.StatefulToRR)
	for range s.n(3) {
		d := dns.StatefulToRR[stateful[s.n(len(stateful))]]()
		fill(s, reflect.ValueOf(d).Elem(), "")
		m.Stateful = append(m.Stateful, d)
	}
	return m
}

func sortedKeys[V any](m map[uint16]V) []uint16 {
	keys := make([]uint16, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var (
	addrType   = reflect.TypeFor[netip.Addr]()
	headerType = reflect.TypeFor[dns.Header]()
	pairsType  = reflect.TypeFor[[]svcb.Pair]()
	infosType  = reflect.TypeFor[[]deleg.Info]()
)

// fill sets every exported field of v from s, by its Go type and dns
// struct tag, the way the presentation parser would: names, hex, base32,
// base64 and character strings in the spelling String prints.
func fill(s src, v reflect.Value, tag string) {
	switch v.Type() {
	case headerType:
		return
	case addrType:
		if tag == `a` || tag != `aaaa` && s.bool() {
			v.Set(reflect.ValueOf(netip.AddrFrom4([4]byte(s.fixed(4)))))
		} else {
			v.Set(reflect.ValueOf(netip.AddrFrom16([16]byte(s.fixed(16)))))
		}
		return
	case pairsType:
		v.Set(reflect.ValueOf(buildPairs(s)))
		return
	case infosType:
		v.Set(reflect.ValueOf(buildInfos(s)))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() && t.Field(i).Tag.Get("dns") != "-" {
				fill(s, v.Field(i), t.Field(i).Tag.Get("dns"))
			}
		}
		for i := range t.NumField() {
			// A length field named by a size-*:Field tag is the length
			// of the data decoded.
			sf := t.Field(i)
			if _, field, ok := strings.Cut(sf.Tag.Get("dns"), ":"); ok && strings.HasPrefix(sf.Tag.Get("dns"), "size-") {
				if lf := v.FieldByName(field); lf.IsValid() && lf.CanSet() {
					lf.SetUint(uint64(decodedLen(sf.Tag.Get("dns"), v.Field(i).String())))
				}
			}
		}
	case reflect.String:
		v.SetString(fillString(s, tag))
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.String:
			n := 1 + s.n(3)
			for range n {
				v.Set(reflect.Append(v, reflect.ValueOf(fillString(s, tag))))
			}
		case reflect.Uint16:
			var ts []uint16
			for range s.n(6) {
				ts = append(ts, uint16(s.n(70)))
			}
			slices.Sort(ts)
			v.Set(reflect.ValueOf(slices.Compact(ts)))
		case reflect.Uint8:
			v.SetBytes(s.bytes(8))
		case reflect.Struct:
			if v.Type().Elem() == addrType {
				for range 1 + s.n(3) {
					a := reflect.New(addrType).Elem()
					fill(s, a, tag)
					v.Set(reflect.Append(v, a))
				}
			}
		}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		v.SetUint(uint64(s.u32()))
	case reflect.Uint64:
		x := uint64(s.u32())<<16 | uint64(s.u16())
		if tag != "uint48" {
			x = x<<16 | uint64(s.u16())
		}
		v.SetUint(x)
	case reflect.Bool:
		v.SetBool(s.bool())
	}
}

// fillString is a string field's value in presentation spelling.
func fillString(s src, tag string) string {
	switch {
	case strings.Contains(tag, "domain-name"):
		return s.name()
	case strings.Contains(tag, "hex"):
		return hex.EncodeToString(s.bytes(12))
	case strings.Contains(tag, "base32"):
		return strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(s.bytes(20)))
	case strings.Contains(tag, "base64"):
		return base64.StdEncoding.EncodeToString(s.bytes(24))
	}
	return s.word()
}

// decodedLen is the octets a hex, base32 or base64 string decodes to.
func decodedLen(tag, v string) int {
	switch {
	case strings.Contains(tag, "hex"):
		return len(v) / 2
	case strings.Contains(tag, "base32"):
		return len(v) * 5 / 8
	case strings.Contains(tag, "base64"):
		b, _ := base64.StdEncoding.DecodeString(v)
		return len(b)
	}
	return len(v)
}

// buildPairs is an SVCB/HTTPS parameter list in strictly increasing key
// order (RFC 9460 2.2), each value filled like a record's fields.
func buildPairs(s src) []svcb.Pair {
	var pairs []svcb.Pair
	for k := range uint16(8) {
		if !s.bool() {
			continue
		}
		newPair := svcb.KeyToPair(k)
		if newPair == nil {
			continue
		}
		p := newPair()
		fill(s, reflect.ValueOf(p).Elem(), "")
		pairs = append(pairs, p)
	}
	return pairs
}

// buildInfos is a DELEG info list, built like buildPairs.
func buildInfos(s src) []deleg.Info {
	var infos []deleg.Info
	for k := range uint16(8) {
		if !s.bool() {
			continue
		}
		newInfo := deleg.KeyToInfo(k)
		if newInfo == nil {
			continue
		}
		i := newInfo()
		fill(s, reflect.ValueOf(i).Elem(), "")
		infos = append(infos, i)
	}
	return infos
}
