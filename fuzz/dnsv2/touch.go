package dnsv2fuzz

import (
	"time"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/deleg"
	"codeberg.org/miekg/dns/dnsutil"
	"codeberg.org/miekg/dns/svcb"
)

// refTime is the fixed "now" for time-dependent accessors, so a target's
// result depends on its input alone.
var refTime = time.Unix(1700000000, 0)

// touchMsg calls every accessor of m that v2 computes on demand, so those
// code paths see fuzzed values: the message, header and record String
// forms (Msg.String prints every record of every section), the type and
// code lookups, SVCB and DELEG values, DNSKEY key tags and DS digests, RRSIG
// validity. It checks nothing; the oracles do. A panic here is a finding.
func touchMsg(m *dns.Msg) {
	_ = m.String()
	_ = m.MsgHeader.String()
	_ = m.Len()
	if len(m.Question) > 0 { // Question's precondition: it indexes Question[0]
		_, _ = dnsutil.Question(m)
	}
	for rr := range m.RRs() {
		touchRRAccessors(rr)
	}
}

// touchRRAccessors calls rr's on-demand accessors other than String.
func touchRRAccessors(rr dns.RR) {
	_ = rr.Len()
	_ = rr.Header().String()
	_ = dnsutil.TypeToString(dns.RRToType(rr))
	_ = dnsutil.IsName(rr.Header().Name)
	_ = dnsutil.Labels(rr.Header().Name)
	switch r := rr.(type) {
	case dns.EDNS0:
		_ = dnsutil.CodeToString(dns.RRToCode(r))
	case dns.DSO:
		_ = dns.RRToStateful(r)
	}
	switch r := rr.(type) {
	case *dns.SVCB:
		touchPairs(r.Value)
	case *dns.HTTPS:
		touchPairs(r.Value)
	case *dns.DELEG:
		touchInfos(r.Value)
	case *dns.DNSKEY:
		_ = r.KeyTag()
		_ = r.ToCDNSKEY().String()
		if ds := r.ToDS(dns.SHA256); ds != nil {
			_ = ds.String()
		}
	case *dns.DS:
		_ = r.ToCDS().String()
	case *dns.RRSIG:
		_ = r.ValidPeriod(refTime)
	case *dns.RFC3597:
		_ = r.Type()
	}
}

func touchPairs(pairs []svcb.Pair) {
	for _, p := range pairs {
		_ = p.String()
		_ = svcb.KeyToString(svcb.PairToKey(p))
	}
}

func touchInfos(infos []deleg.Info) {
	for _, i := range infos {
		_ = i.String()
		_ = deleg.KeyToString(deleg.InfoToKey(i))
	}
}

// touchRR is touchMsg for one record.
func touchRR(rr dns.RR) {
	_ = rr.String()
	touchRRAccessors(rr)
}
