package corednsfuzz

import (
	"strings"

	"github.com/miekg/dns"
)

// zoneIndex is the zone as miekg/dns reads it, independent of CoreDNS's
// file plugin: the reference the authoritative oracle compares answers to.
type zoneIndex struct {
	rrsets    map[rrKey][]dns.RR
	owners    map[string]bool // every owner name, canonical
	cuts      []string        // delegation points below the apex
	wildcards []string        // parents of wildcard owners ("wild.example.org.")
	cnames    map[string]bool
}

type rrKey struct {
	name  string
	rtype uint16
}

func indexZone(text string) (*zoneIndex, error) {
	z := &zoneIndex{rrsets: map[rrKey][]dns.RR{}, owners: map[string]bool{}, cnames: map[string]bool{}}
	zp := dns.NewZoneParser(strings.NewReader(text), ZoneOrigin, "db.example.org")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		h := rr.Header()
		name := dns.CanonicalName(h.Name)
		k := rrKey{name, h.Rrtype}
		z.rrsets[k] = append(z.rrsets[k], rr)
		z.owners[name] = true
		switch {
		case h.Rrtype == dns.TypeNS && name != ZoneOrigin:
			z.cuts = append(z.cuts, name)
		case h.Rrtype == dns.TypeCNAME:
			z.cnames[name] = true
		}
		if strings.HasPrefix(name, "*.") {
			z.wildcards = append(z.wildcards, name[2:])
		}
	}
	return z, zp.Err()
}

// verdict is what the zone says a query for (name, type) must get, or
// known=false where the answer depends on rules the oracle does not model
// (delegations, CNAME and wildcard synthesis, DNSSEC meta types).
type verdict struct {
	known  bool
	exists bool     // the name exists (possibly as an empty non-terminal)
	rrset  []dns.RR // the exact answer, when the name has that type
}

func (z *zoneIndex) lookup(qname string, qtype uint16) verdict {
	name := dns.CanonicalName(qname)
	if !dns.IsSubDomain(ZoneOrigin, name) {
		return verdict{}
	}
	switch qtype {
	case dns.TypeANY, dns.TypeRRSIG, dns.TypeNSEC, dns.TypeNSEC3, dns.TypeDNSKEY, dns.TypeDS,
		dns.TypeCDS, dns.TypeCDNSKEY, dns.TypeNSEC3PARAM, dns.TypeAXFR, dns.TypeIXFR,
		dns.TypeOPT, dns.TypeTSIG, dns.TypeTKEY, dns.TypeMAILA, dns.TypeMAILB, dns.TypeCNAME:
		return verdict{}
	}
	for _, cut := range z.cuts {
		if dns.IsSubDomain(cut, name) {
			return verdict{}
		}
	}
	for _, w := range z.wildcards {
		if dns.IsSubDomain(w, name) && name != w {
			return verdict{}
		}
	}
	if z.cnames[name] {
		return verdict{}
	}
	exists := z.owners[name]
	if !exists {
		for o := range z.owners {
			if dns.IsSubDomain(name, o) {
				exists = true // an empty non-terminal
				break
			}
		}
	}
	return verdict{known: true, exists: exists, rrset: z.rrsets[rrKey{name, qtype}]}
}
