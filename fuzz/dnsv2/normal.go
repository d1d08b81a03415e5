package dnsv2fuzz

import (
	"reflect"
	"slices"
	"strings"

	"codeberg.org/miekg/dns"
)

// msgView is what a round trip must keep of a Msg: the header and the
// five sections. Data (the bytes, which compression and record order may
// change) and Msg's unexported bookkeeping are left out.
type msgView struct {
	Header   dns.MsgHeader
	Question []dns.RR
	Answer   []dns.RR
	Ns       []dns.RR
	Extra    []dns.RR
	Pseudo   []dns.RR
}

// normalMsg is m in the normal form a round trip keeps. Each difference it
// erases is one v2 documents or the RFC allows:
//
//   - Version: MsgHeader documents it as "always zero", and Pack writes an
//     OPT record of version 0 whatever it holds (the EDNS version of a
//     received message is still read into it);
//   - UDPSize of 512 or less counts as none: RFC 6891 6.2.3 makes a size
//     below 512 mean 512 (Unpack raises it to 512), and Pack writes no
//     size, or no OPT at all, for a size of 512 or less (see
//     knownBareOPT for the OPT that disappears).
func normalMsg(m *dns.Msg) msgView {
	h := m.MsgHeader
	h.Version = 0
	if h.UDPSize <= dns.MinMsgSize {
		h.UDPSize = 0
	}
	return msgView{Header: h, Question: m.Question, Answer: m.Answer, Ns: m.Ns, Extra: m.Extra, Pseudo: m.Pseudo}
}

// cloneMsg is a deep copy of m's header and sections (Data is left out).
func cloneMsg(m *dns.Msg) *dns.Msg {
	c := &dns.Msg{MsgHeader: m.MsgHeader}
	c.Question, c.Answer, c.Ns, c.Extra, c.Pseudo = cloneRRs(m.Question), cloneRRs(m.Answer), cloneRRs(m.Ns), cloneRRs(m.Extra), cloneRRs(m.Pseudo)
	return c
}

func cloneRRs(rrs []dns.RR) []dns.RR {
	if rrs == nil {
		return nil
	}
	c := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		c[i] = rr.Clone()
	}
	return c
}

// stripEmptyRdata removes from the data sections of m the records Unpack
// and the TSIG and SIG(0) of its pseudo section
// read from empty rdata (RDLENGTH 0), and reports whether it found any.
// Such a record is the zero value of its type with a header, and Pack
// writes that zero value's rdata ("." for a name, 0 for a number), so it
// comes back different. Empty rdata is valid only in an RFC 2136 UPDATE
// (prerequisites and deletions, classes ANY and NONE), which v2 does not
// implement (dnsutil.StringToMsg: "TODO(miek): dynamic updates?"); v2's
// Msg has no way to say "no rdata", so the round trip cannot keep it.
func stripEmptyRdata(m *dns.Msg) bool {
	n := len(m.Answer) + len(m.Ns) + len(m.Extra) + len(m.Pseudo)
	m.Answer = slices.DeleteFunc(m.Answer, emptyRdata)
	m.Ns = slices.DeleteFunc(m.Ns, emptyRdata)
	m.Extra = slices.DeleteFunc(m.Extra, emptyRdata)
	// The pseudo section's TSIG and SIG(0) are records lifted from the
	// additional section; its EDNS0 options may be empty by design.
	m.Pseudo = slices.DeleteFunc(m.Pseudo, func(rr dns.RR) bool {
		switch rr.(type) {
		case *dns.TSIG, *dns.SIG:
			return emptyRdata(rr)
		}
		return false
	})
	return len(m.Answer)+len(m.Ns)+len(m.Extra)+len(m.Pseudo) != n
}

// emptyRdata reports whether rr is the zero value of its type but for its
// header: what Unpack makes of RDLENGTH 0.
func emptyRdata(rr dns.RR) bool {
	var zero dns.RR
	if newFn, ok := dns.TypeToRR[dns.RRToType(rr)]; ok {
		zero = newFn()
	} else if _, ok := rr.(*dns.RFC3597); ok {
		zero = &dns.RFC3597{}
	} else {
		return false
	}
	*zero.Header() = *rr.Header()
	return reflect.DeepEqual(zero, rr)
}

// normalRR is a copy of rr with the hex fields (struct tag dns:"hex" or
// dns:"size-hex:...") in lower case: the parser keeps the case of the
// text, Unpack and String write lower case, and hex is case-insensitive
// (RFC 4648 8, RFC 4034 5.3 and every RFC that uses it in presentation).
func normalRR(rr dns.RR) dns.RR {
	c := rr.Clone()
	lowerHex(reflect.ValueOf(c))
	return c
}

func lowerHex(v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f, sf := v.Field(i), t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if f.Kind() == reflect.Struct {
			lowerHex(f.Addr())
			continue
		}
		if f.Kind() == reflect.String && (strings.Contains(sf.Tag.Get("dns"), "hex") || strings.Contains(sf.Tag.Get("dns"), "base32")) && f.CanSet() {
			f.SetString(strings.ToLower(f.String()))
		}
	}
}

// escapedName reports whether a domain name of rr (its owner or a
// dns:"domain-name" rdata field) holds a byte that presentation format
// must escape (RFC 1035 5.1: blanks, quotes, parentheses, semicolons,
// backslashes, non-printable bytes) or an '@'. v2 documents "Escapes in
// domain names is not supported" (README-diff-with-v1.md): String prints
// such a name raw, so its text cannot parse back to it.
func escapedName(rr dns.RR) bool {
	if needsEscape(rr.Header().Name) {
		return true
	}
	found := false
	walkStrings(reflect.ValueOf(rr), func(tag, v string) {
		found = found || strings.Contains(tag, "domain-name") && needsEscape(v)
	})
	return found
}

func needsEscape(name string) bool {
	return strings.ContainsFunc(name, func(c rune) bool {
		return c <= ' ' || c > '~' || strings.ContainsRune(`"();\@$`, c)
	})
}

// walkStrings calls f with the dns struct tag and value of every exported
// string field of v's struct, and of each string of a []string field
// (following pointers, interfaces and embedded structs).
func walkStrings(v reflect.Value, f func(tag, v string)) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		fv, sf := v.Field(i), t.Field(i)
		if !sf.IsExported() {
			continue
		}
		switch fv.Kind() {
		case reflect.Struct:
			walkStrings(fv, f)
		case reflect.String:
			f(sf.Tag.Get("dns"), fv.String())
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String {
				for j := range fv.Len() {
					f(sf.Tag.Get("dns"), fv.Index(j).String())
				}
			}
		}
	}
}
