package dnsv2fuzz

import (
	"bytes"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// maxZoneRecords bounds the records one Zone input may yield: $GENERATE
// expands a line into up to 65536 records, and an execution that slow
// starves the fuzzer without reaching new code.
const maxZoneRecords = 512

// Zone parses data as a zone file with v2's ZoneParser, $INCLUDE allowed
// but confined to an in-memory file system built from the input itself
// (see zoneFS): no path the input names can reach the real file system.
// Every record it yields is checked (see checkText):
//
//   - text at "New": its String form parses again with dns.New;
//   - text at "String": String -> New -> String is stable;
//   - text at a field path: the reparsed record equals the first, or
//     packs to the same bytes (see sameWire);
//   - roundtrip: in a message (the pseudo section for an EDNS0 option, the
//     answer section for any other record) it packs and unpacks to an
//     equal record, unless Pack refuses it;
//   - invariant: its Clone is a deep copy, Equal to it (see checkClone).
func Zone(data []byte) error {
	fsys, main := corpus.ZoneFS(data)
	zp := dns.NewZoneParser(bytes.NewReader(main), "example.org.", "db.zone")
	// v2's default allows an $INCLUDE only below the including file's own
	// absolute path; fsys confines every path, so each is allowed (and the
	// default still runs on it).
	zp.IncludeAllowFunc = func(file, include string) bool {
		_ = dns.DefaultIncludeAllowFunc(file, include)
		return true
	}
	zp.SetIncludeFS(fsys)
	zp.SetDefaultTTL(3600)
	for n := 0; n < maxZoneRecords; n++ {
		rr, ok := zp.Next()
		if !ok {
			break
		}
		_ = zp.Comment()
		if err := checkText(rr); err != nil {
			return err
		}
	}
	_ = zp.Err()
	return nil
}

// reparse is the parser the text oracles check String against; oracle
// tests replace it with a deliberately wrong one to prove they fire.
var reparse = dns.New

// checkText checks a record that came from text, as Zone describes.
func checkText(rr dns.RR) error {
	touchRRAccessors(rr)
	path := "RR." + typeName(rr)
	if err := checkTextForm(path, rr); err != nil {
		return err
	}
	// After the text oracles: under strict, Compare's known bug
	// (knownCompareID) would otherwise hide theirs.
	if err := checkClone("RR", rr, comparable(rr)); err != nil {
		return err
	}
	return rrWire(path, rr)
}

// checkTextForm is checkText's text oracles.
func checkTextForm(path string, rr dns.RR) error {
	if _, null := rr.(*dns.NULL); null || escapedName(rr) || emptyRdata(rr) || knownText(rr, false) {
		// NULL has no presentation format (RFC 1035 3.3.10): String
		// prints a comment. Names that need escapes print raw, as
		// documented (escapedName). A record without rdata (the parser
		// allows one, for RFC 2136 UPDATE) prints with a trailing tab
		// that New rejects for some types (stripEmptyRdata).
		return nil
	}
	s1 := rr.String()
	rr2, err := reparse(s1)
	if err != nil || rr2 == nil {
		return harness.Violated("text", "New", "String form does not parse: %v\n%s", err, s1)
	}
	if s2 := rr2.String(); s1 != s2 {
		return harness.Violated("text", "String", "String -> New -> String changed:\n%s\n%s", s1, s2)
	}
	if p, detail, ok := harness.FirstDiff(path, normalRR(rr), normalRR(rr2)); !ok && !sameWire(rr, rr2) {
		return harness.Violated("text", p, "%s\n%s", detail, s1)
	}
	return nil
}

// isPseudo reports whether rr belongs in the pseudo section: an EDNS0
// option (which v2 gives a presentation format of its own).
func isPseudo(rr dns.RR) bool {
	_, ok := rr.(dns.EDNS0)
	return ok
}

// rrWire packs rr alone in a message and checks it unpacks to an equal
// record.
func rrWire(path string, rr dns.RR) error {
	m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 1}}
	if isPseudo(rr) {
		m.Pseudo = []dns.RR{rr.Clone()}
	} else {
		m.Answer = []dns.RR{rr.Clone()}
	}
	if stripKnown(m) || emptyRdata(rr) || knownText(rr, true) {
		return nil
	}
	if err := pack(m); err != nil {
		return nil // refused: nothing emitted
	}
	m2 := &dns.Msg{Data: bytes.Clone(m.Data)}
	if err := m2.Unpack(); err != nil {
		return harness.Violated("roundtrip", "Unpack", "packed record does not unpack: %v\n%s", err, rr)
	}
	got := m2.Answer
	if isPseudo(rr) {
		got = m2.Pseudo
	}
	if len(got) != 1 {
		return harness.Violated("roundtrip", path, "packed record unpacks to %d records: %s\n%s", len(got), rr, m2)
	}
	if p, detail, ok := harness.FirstDiff(path, normalRR(rr), normalRR(got[0])); !ok && !sameWire(rr, got[0]) {
		return harness.Violated("roundtrip", p, "%s\n%s", detail, rr)
	}
	return nil
}

// sameWire reports whether a and b pack to the same bytes, each alone in
// a message: two spellings of one value. v2 keeps character strings (TXT,
// HINFO, ...) as the parser read them, escapes and all, so "\\004" and a
// raw 0x04 byte are different strings with the same wire form.
//
// A variable: oracle tests replace it to prove the field oracles fire.
var sameWire = func(a, b dns.RR) bool {
	wa, wb := packAlone(a), packAlone(b)
	return wa != nil && bytes.Equal(wa, wb)
}

func packAlone(rr dns.RR) []byte {
	m := &dns.Msg{}
	if isPseudo(rr) {
		m.Pseudo = []dns.RR{rr.Clone()}
	} else {
		m.Answer = []dns.RR{rr.Clone()}
	}
	if err := m.Pack(); err != nil {
		return nil
	}
	return m.Data
}
