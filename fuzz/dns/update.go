package dnsfuzz

import (
	"strings"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// updateOp is one of miekg/dns's UPDATE helpers with the RFC 2136
// encoding of what it adds: the section (0 prerequisite, 1 update), the
// class (0: the zone's), the TTL (-1: the record's own), the type (0: the
// record's own) and whether the RDATA is empty or the record's own.
type updateOp struct {
	name    string
	apply   func(u *dns.Msg, rr []dns.RR)
	section int
	class   uint16
	ttl     int64
	rrtype  uint16
	rdata   bool
}

var updateOps = []updateOp{
	{"Insert", (*dns.Msg).Insert, 1, 0, -1, 0, true},                                 // 2.5.1
	{"RemoveRRset", (*dns.Msg).RemoveRRset, 1, dns.ClassANY, 0, 0, false},            // 2.5.2
	{"RemoveName", (*dns.Msg).RemoveName, 1, dns.ClassANY, 0, dns.TypeANY, false},    // 2.5.3
	{"Remove", (*dns.Msg).Remove, 1, dns.ClassNONE, 0, 0, true},                      // 2.5.4
	{"RRsetUsed", (*dns.Msg).RRsetUsed, 0, dns.ClassANY, 0, 0, false},                // 2.4.1
	{"Used", (*dns.Msg).Used, 0, 0, 0, 0, true},                                      // 2.4.2
	{"RRsetNotUsed", (*dns.Msg).RRsetNotUsed, 0, dns.ClassNONE, 0, 0, false},         // 2.4.3
	{"NameUsed", (*dns.Msg).NameUsed, 0, dns.ClassANY, 0, dns.TypeANY, false},        // 2.4.4
	{"NameNotUsed", (*dns.Msg).NameNotUsed, 0, dns.ClassNONE, 0, dns.TypeANY, false}, // 2.4.5
}

// updateRecords is how many of a message's records buildUpdate uses.
const updateRecords = 12

// buildUpdate turns m's records into an UPDATE for m's first question's
// zone (one helper per record, chosen by its position and TTL), packs and
// unpacks it, and checks every record's encoding. It returns the update,
// or nil when it does not pack.
func buildUpdate(m *dns.Msg, data []byte) (*dns.Msg, error) {
	zone, class := "example.org.", uint16(dns.ClassINET)
	if len(m.Question) > 0 {
		zone, class = m.Question[0].Name, m.Question[0].Qclass
	}
	u := new(dns.Msg).SetUpdate(zone)
	u.Question[0].Qclass = class
	type expect struct {
		op   updateOp
		orig dns.RR
	}
	var want [2][]expect
	for i, rr := range append(append(append([]dns.RR{}, m.Answer...), m.Ns...), m.Extra...) {
		if i == updateRecords {
			break
		}
		switch rr.Header().Rrtype {
		case dns.TypeOPT, dns.TypeTSIG, dns.TypeSIG:
			continue
		}
		op := updateOps[(i+int(rr.Header().Ttl))%len(updateOps)]
		orig := dns.Copy(rr)
		op.apply(u, []dns.RR{dns.Copy(rr)})
		want[op.section] = append(want[op.section], expect{op, orig})
	}
	wire, err := u.Pack()
	if err != nil {
		return nil, nil
	}
	var got dns.Msg
	if got.Unpack(wire) != nil {
		return nil, nil // Wire checks unpacking what packs
	}
	for s, sec := range [2][]dns.RR{got.Answer, got.Ns} {
		if len(sec) != len(want[s]) {
			return nil, harness.Violated("update", "Count", "section %d has %d records, %d helpers added to it", s, len(sec), len(want[s]))
		}
		for i, e := range want[s] {
			if err := checkUpdateRR(e.op, e.orig, sec[i], class); err != nil {
				return nil, err
			}
		}
	}
	return u, nil
}

// checkUpdateRR compares one unpacked record with its RFC 2136 encoding.
func checkUpdateRR(op updateOp, orig, got dns.RR, zoneClass uint16) error {
	h, o := got.Header(), orig.Header()
	class, ttl, rrtype := op.class, op.ttl, op.rrtype
	if class == 0 {
		class = zoneClass
	}
	if ttl < 0 {
		ttl = int64(o.Ttl)
	}
	if rrtype == 0 {
		rrtype = o.Rrtype
	}
	field := ""
	switch {
	case !strings.EqualFold(h.Name, o.Name):
		field = "Name"
	case h.Class != class:
		field = "Class"
	case int64(h.Ttl) != ttl:
		field = "Ttl"
	case h.Rrtype != rrtype:
		field = "Rrtype"
	case !op.rdata && h.Rdlength != 0:
		field = "Rdlength"
	}
	if field == "" && op.rdata {
		want := dns.Copy(orig)
		want.Header().Class = class
		if !isDuplicate(want, got) && !sizeMismatch(orig) {
			field = "Rdata"
		}
	}
	if field != "" {
		return harness.Violated("update", op.name+"."+field, "%s(%v) packed as %v (RFC 2136: class %d, TTL %d, type %d, rdata %v)", op.name, orig, got, class, ttl, rrtype, op.rdata)
	}
	return nil
}
