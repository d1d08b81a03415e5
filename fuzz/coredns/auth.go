package corednsfuzz

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/miekg/dns"
)

// plainQuery says whether q is a query whose answer the zone alone decides:
// opcode QUERY, class IN, nothing in the answer and authority sections, and
// at most an OPT record of version 0 in the additional section.
func plainQuery(q *dns.Msg) bool {
	if q.Opcode != dns.OpcodeQuery || q.Response || len(q.Question) != 1 || q.Question[0].Qclass != dns.ClassINET {
		return false
	}
	if len(q.Answer) > 0 || len(q.Ns) > 0 || len(q.Extra) > 1 {
		return false
	}
	if len(q.Extra) == 1 {
		opt, ok := q.Extra[0].(*dns.OPT)
		if !ok || opt.Version() != 0 || len(opt.Option) > 0 || opt.Hdr.Name != "." {
			return false
		}
	}
	return true
}

// checkAuth compares an authoritative reply with the zone as miekg/dns
// reads it: a name and type the zone has get exactly that RRset with AA
// set; a name the zone lacks gets no records (NXDOMAIN, or NOERROR with
// NSEC "black lies" when DNSSEC OK is set); names outside the zone are
// refused. Every RRSIG in the answer verifies with the zone's key.
func checkAuth(w *world, q, r *dns.Msg) error {
	if !plainQuery(q) || r.Truncated {
		return nil
	}
	qq := q.Question[0]
	tname := dns.TypeToString[qq.Qtype]
	if !dns.IsSubDomain(ZoneOrigin, dns.CanonicalName(qq.Name)) {
		if r.Rcode != dns.RcodeRefused {
			return harness.Violated("zone", "Rcode.OutOfZone", "out-of-zone query not refused\n%s outside %s got %s, want REFUSED", qq.Name, ZoneOrigin, dns.RcodeToString[r.Rcode])
		}
		return nil
	}
	if err := verifySigs(w.key, r.Answer); err != nil {
		return err
	}
	v := w.zone.lookup(qq.Name, qq.Qtype)
	if !v.known {
		return nil
	}
	got := withoutDNSSEC(r.Answer)
	do := q.IsEdns0() != nil && q.IsEdns0().Do()
	switch {
	case len(v.rrset) > 0:
		if r.Rcode != dns.RcodeSuccess || !r.Authoritative {
			return harness.Violated("zone", "Rcode."+tname, "name and type in the zone not answered authoritatively\n%s %s answered %s AA=%v", qq.Name, tname, dns.RcodeToString[r.Rcode], r.Authoritative)
		}
		if want, have := canon(v.rrset, qq.Name), canon(got, qq.Name); !slices.Equal(want, have) {
			return harness.Violated("zone", "Answer."+tname, "answer differs from the zone\n%s %s: zone has\n%s\nCoreDNS answered\n%s", qq.Name, tname, strings.Join(want, "\n"), strings.Join(have, "\n"))
		}
	case v.exists:
		if r.Rcode != dns.RcodeSuccess || len(got) > 0 {
			return harness.Violated("zone", "NoData."+tname, "name without the type not answered NODATA\n%s exists without %s: answered %s with %d records", qq.Name, tname, dns.RcodeToString[r.Rcode], len(got))
		}
	default:
		okRcode := r.Rcode == dns.RcodeNameError || (do && r.Rcode == dns.RcodeSuccess)
		if !okRcode || len(got) > 0 {
			return harness.Violated("zone", "NXDomain."+tname, "name not in the zone not denied\n%s: answered %s with %d records (DO=%v)", qq.Name, dns.RcodeToString[r.Rcode], len(got), do)
		}
	}
	return nil
}

func withoutDNSSEC(rrs []dns.RR) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		switch rr.Header().Rrtype {
		case dns.TypeRRSIG, dns.TypeNSEC:
		default:
			out = append(out, rr)
		}
	}
	return out
}

// canon renders rrs for comparison: owner names case-folded (a server may
// answer in the query's case or the zone's), TTLs zeroed (the dnssec plugin
// may cap them), sorted.
func canon(rrs []dns.RR, _ string) []string {
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		c := dns.Copy(rr)
		c.Header().Ttl = 0
		c.Header().Name = dns.CanonicalName(c.Header().Name)
		out = append(out, c.String())
	}
	sort.Strings(out)
	return out
}

// verifySigs checks every RRSIG in rrs over the RRset it covers with key.
func verifySigs(key *dns.DNSKEY, rrs []dns.RR) error {
	for _, rr := range rrs {
		sig, ok := rr.(*dns.RRSIG)
		if !ok {
			continue
		}
		var set []dns.RR
		for _, o := range rrs {
			h := o.Header()
			if h.Rrtype == sig.TypeCovered && strings.EqualFold(h.Name, sig.Hdr.Name) {
				set = append(set, o)
			}
		}
		tname := dns.TypeToString[sig.TypeCovered]
		if len(set) == 0 {
			return harness.Violated("dnssec", "RRSIG."+tname, "RRSIG covers nothing in the answer\nover %s %s", sig.Hdr.Name, tname)
		}
		if sig.KeyTag != key.KeyTag() {
			continue // signed by another key: nothing to verify it with
		}
		if err := sig.Verify(key, set); err != nil {
			return harness.Violated("dnssec", "RRSIG."+tname, "RRSIG does not verify\nover %s %s: %v\n%v", sig.Hdr.Name, tname, err, set)
		}
		if !sig.ValidityPeriod(time.Now()) {
			return harness.Violated("dnssec", "RRSIG.Validity", "RRSIG not valid now\nover %s %s: %d..%d", sig.Hdr.Name, tname, sig.Inception, sig.Expiration)
		}
	}
	return nil
}
