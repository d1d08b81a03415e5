package dnsfuzz

import (
	"bytes"
	"strings"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// RR parses data as one record in presentation format with dns.NewRR and,
// if it parses, checks the record's text and wire forms (see checkRR).
func RR(data []byte) error {
	rr, err := dns.NewRR(string(data))
	if err != nil || rr == nil {
		return nil
	}
	return checkRR(rr)
}

// maxZoneRecords bounds the records one Zone input may yield: $GENERATE
// expands a line into up to 65536 records, and an execution that slow
// starves the fuzzer without reaching new code.
const maxZoneRecords = 512

// Zone parses data as a zone file with dns.ZoneParser, $INCLUDE enabled but
// confined to an in-memory file system built from the input itself (see
// zoneFS): no path the input names can reach the real file system. Every
// record it yields is checked like RR's.
func Zone(data []byte) error {
	return parseZone(data, checkRR)
}

// parseZone runs the zone parser over data as Zone describes and calls
// each for every record, stopping at the first error each returns.
func parseZone(data []byte, each func(dns.RR) error) error {
	fsys, main := corpus.ZoneFS(data)
	zp := dns.NewZoneParser(bytes.NewReader(main), "example.org.", "db.zone")
	zp.SetIncludeAllowed(true)
	zp.SetIncludeFS(fsys)
	zp.SetDefaultTTL(3600)
	for n := 0; n < maxZoneRecords; n++ {
		rr, ok := zp.Next()
		if !ok {
			break
		}
		_ = zp.Comment()
		if err := each(rr); err != nil {
			return err
		}
	}
	_ = zp.Err()
	return nil
}

// checkRR checks a record that came from text:
//
//   - text at "NewRR": its String form parses again;
//   - text at "String": String -> NewRR -> String is stable;
//   - text at a field path: the reparsed record equals the first in normal
//     form (see normalText);
//   - roundtrip: packed alone (PackRR) it unpacks (UnpackRR) to an equal
//     record, unless PackRR refuses it.
//
// Known miekg/dns bugs are suppressed exactly (see knownBugs).
func checkRR(rr dns.RR) error {
	touchRR(rr)
	return unlessKnown(checkRROnce(rr), &dns.Msg{Answer: []dns.RR{rr}}, fromMemory, func(m *dns.Msg) error {
		if len(m.Answer) == 0 {
			return nil
		}
		return checkRROnce(m.Answer[0])
	})
}

// reparseRR is the parser the text oracles check String against; oracle
// tests replace it with a deliberately wrong one to prove they fire.
var reparseRR = dns.NewRR

// checkRROnce is checkRR without the known-bug filter.
//
// Tolerated:
//   - NULL is not reparsed: it has no presentation format and its String is
//     a comment holding raw bytes.
//   - A record without rdata (NewRR allows it, for dynamic update) prints
//     as "owner TTL class TYPE\t"; NewRR rejects that trailing blank for
//     some types (AAAA, NXNAME) although it accepts the line without it, so
//     the one trailing tab is dropped before reparsing.
func checkRROnce(rr dns.RR) error {
	if rr.Header().Rrtype == dns.TypeNULL {
		return rrWire(rr)
	}
	s1 := rr.String()
	rr2, err := reparseRR(strings.TrimSuffix(s1, "\t"))
	if err != nil || rr2 == nil {
		return harness.Violated("text", "NewRR", "String form does not parse: %v\n%s", err, s1)
	}
	if s2 := rr2.String(); s1 != s2 {
		return harness.Violated("text", "String", "String -> NewRR -> String changed:\n%s\n%s", s1, s2)
	}
	if path, detail, ok := firstDiff(rrPath("RR", rr), normalText(rr), normalText(rr2)); !ok {
		return harness.Violated("text", path, "%s", detail)
	}
	return rrWire(rr)
}

func rrWire(rr dns.RR) error {
	buf := make([]byte, dns.Len(rr)+1)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return nil // refused: nothing emitted
	}
	rr2, _, err := dns.UnpackRR(buf[:off], 0)
	if err != nil {
		return harness.Violated("roundtrip", "UnpackRR", "packed record does not unpack: %v\n%s", err, rr)
	}
	if path, detail, ok := firstDiff(rrPath("RR", rr), normalText(rr), normalText(rr2)); !ok {
		return harness.Violated("roundtrip", path, "%s", detail)
	}
	return nil
}
