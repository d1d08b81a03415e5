package dnsfuzz

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	dnsv2 "codeberg.org/miekg/dns"
	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// ZoneDifferential (target FuzzTextDifferential: a name beginning with
// FuzzZone would hide FuzzZone from compile_native_go_fuzzer) parses data
// as a zone file with miekg/dns v1's ZoneParser and with v2's
// (codeberg.org/miekg/dns), both from origin
// example.org., default TTL 3600, $INCLUDE enabled on both and confined to
// the same in-memory file system built from the input (zoneFS: no path the
// input names reaches the real file system); $ORIGIN, $TTL and $GENERATE
// are read by both parsers as they come. It requires them to agree record
// by record, in the wire normal form of v1v2norm.go:
//
//   - accept/reject: both yield the same number of records and stop with
//     an error at the same record (or both reach the end);
//   - each record's owner, type, class, TTL and rdata octets.
//
// A disagreement a zone divergence explains (divergences.go, "miekg/dns v1
// against v2 on zone text") is not a finding; each other one is a
// Violation of oracle "zonediff" naming the record and field.
//
// Both parsers stop at their first error, so a rejection that a divergence
// explains (a type v2 dropped, say) would hide every record after it; the
// line it names is then blanked and the text compared again, at most
// maxZoneRetries times.
func ZoneDifferential(data []byte) error {
	for range maxZoneRetries {
		a, b := v1Zone(data), v2Zone(data)
		err := compareZones(&a, &b)
		if err != nil || !a.explainedStop {
			return err
		}
		next, ok := blankErrorLine(data, &a, &b)
		if !ok {
			return nil
		}
		data = next
	}
	return nil
}

// maxZoneRetries bounds the re-reads of one input (see ZoneDifferential).
const maxZoneRetries = 8

// zoneLineRE finds the line of a zone parse error in the main file, in
// the form both versions print ("db.zone: ... at line: 51:26").
var zoneLineRE = regexp.MustCompile(`^db\.zone: .* at line: ([0-9]+):[0-9]+$`)

// blankErrorLine returns data with the line named by the error of the
// version that stopped first emptied, when that line is in the main file.
func blankErrorLine(data []byte, a, b *zoneRead) ([]byte, bool) {
	err := a.err
	if len(b.norm) < len(a.norm) || a.err == nil {
		err = b.err
	}
	if err == nil {
		return nil, false
	}
	m := zoneLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, false
	}
	line, _ := strconv.Atoi(m[1])
	lines := bytes.SplitAfter(data, []byte("\n"))
	if line < 1 || line > len(lines) || bytes.HasPrefix(bytes.TrimSpace(lines[line-1]), []byte(corpus.ZoneFileMarker)) {
		return nil, false
	}
	out := make([]byte, 0, len(data))
	for i, l := range lines {
		if i == line-1 {
			l = l[len(bytes.TrimSuffix(l, []byte("\n"))):] // the newline stays: line numbers do not move
		}
		out = append(out, l...)
	}
	return out, !bytes.Equal(out, data)
}

// zoneRead is what one version's zone parser made of an input.
type zoneRead struct {
	v1   []dns.RR   // v1's records (v1Zone)
	v2   []dnsv2.RR // v2's records (v2Zone)
	norm []rrNorm
	err  error // the error the parser stopped with; nil at the end of input or maxZoneRecords

	explainedStop bool // set by compareZones: a divergence explains where the versions stopped
}

// v1Zone reads data with miekg/dns v1's ZoneParser.
func v1Zone(data []byte) zoneRead {
	fsys, main := corpus.ZoneFS(data)
	zp := dns.NewZoneParser(bytes.NewReader(main), "example.org.", "db.zone")
	zp.SetIncludeAllowed(true)
	zp.SetIncludeFS(fsys)
	zp.SetDefaultTTL(3600)
	var z zoneRead
	for len(z.v1) < maxZoneRecords {
		rr, ok := zp.Next()
		if !ok {
			break
		}
		z.v1 = append(z.v1, rr)
		z.norm = append(z.norm, v1Norm(rr))
	}
	if len(z.v1) < maxZoneRecords {
		z.err = zp.Err()
	}
	return z
}

// v2Zone reads data with codeberg.org/miekg/dns's ZoneParser, set up as
// v1Zone sets up v1's: v2 allows $INCLUDE through IncludeAllowFunc, which
// by default refuses paths above the including file's directory; the
// in-memory file system is the confinement here, as for v1.
func v2Zone(data []byte) zoneRead {
	fsys, main := corpus.ZoneFS(data)
	zp := dnsv2.NewZoneParser(bytes.NewReader(main), "example.org.", "db.zone")
	zp.IncludeAllowFunc = func(string, string) bool { return true }
	zp.SetIncludeFS(fsys)
	zp.SetDefaultTTL(3600)
	var z zoneRead
	for len(z.v2) < maxZoneRecords {
		rr, ok := zp.Next()
		if !ok {
			break
		}
		z.v2 = append(z.v2, rr)
	}
	if len(z.v2) < maxZoneRecords {
		z.err = zp.Err()
	}
	z.norm = v2Norms(z.v2)
	return z
}

// compareZones compares v2's reading b with v1's reading a, record by
// record.
func compareZones(a, b *zoneRead) error {
	n := min(len(a.norm), len(b.norm))
	for i := 0; i < n; i++ {
		field := a.norm[i].field(b.norm[i])
		if field == "" {
			continue
		}
		if why := explainZoneRecord(a, b, i, field); why != "" {
			continue
		}
		// The field path carries the type, so two types' disagreements
		// are two signatures; the detail starts on a new line, so the
		// values never enter the signature.
		return harness.Violated("zonediff", fmt.Sprintf("Record[%d].%s.%s", i, dns.Type(a.norm[i].typ), field), "\nv1 %s\nv2 %s\nv1 %s (%v)\nv2 %s (%v)",
			a.norm[i].text, b.norm[i].text, a.norm[i].key(), a.norm[i].err, b.norm[i].key(), b.norm[i].err)
	}
	if len(a.norm) == len(b.norm) && (a.err == nil) == (b.err == nil) {
		return nil
	}
	if why := explainZoneAccept(a, b); why != "" {
		a.explainedStop = true
		return nil
	}
	stopper, err, next := "v1", a.err, "End"
	if len(b.norm) < len(a.norm) || (len(b.norm) == len(a.norm) && b.err != nil) {
		stopper, err = "v2", b.err
		if len(a.norm) > len(b.norm) {
			next = dns.Type(a.norm[len(b.norm)].typ).String()
		}
	} else if len(b.norm) > len(a.norm) {
		next = dns.Type(b.norm[len(a.norm)].typ).String()
	}
	// Field: who stopped, and the type of the record the other version
	// read there; detail: the error, whose first line up to its quoted
	// token is part of the signature.
	return harness.Violated("zonediff", fmt.Sprintf("Accept.%sStops.%s", stopper, next), "%s stops: %v\nv1 %d records, then %v; v2 %d records, then %v%s",
		stopper, err, len(a.norm), a.err, len(b.norm), b.err, nextRecordText(a, b))
}

// nextRecordText is the record one version accepted where the other
// stopped, for the report.
func nextRecordText(a, b *zoneRead) string {
	switch {
	case len(a.norm) > len(b.norm):
		return "\nv1 accepted: " + a.norm[len(b.norm)].text
	case len(b.norm) > len(a.norm):
		return "\nv2 accepted: " + b.norm[len(a.norm)].text
	}
	return ""
}
