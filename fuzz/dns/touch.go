package dnsfuzz

import (
	"time"

	"github.com/miekg/dns"
)

// refTime is the fixed "now" for time-dependent accessors, so a target's
// result depends on its input alone.
var refTime = time.Unix(1700000000, 0)

// touchMsg calls every accessor of m whose result miekg/dns computes on
// demand, so those code paths see fuzzed values: the message and record
// String forms, EDNS0 header fields and options, SVCB/HTTPS values,
// NSEC/NSEC3 bitmaps, and the TSIG and OPT lookups. It checks nothing; the
// targets' oracles do. A panic here is a finding.
func touchMsg(m *dns.Msg) {
	_ = m.String()
	_ = m.IsTsig()
	if opt := m.IsEdns0(); opt != nil {
		touchOPT(opt)
	}
	for _, q := range m.Question {
		_ = q.String()
	}
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			touchRR(rr)
		}
	}
}

func touchOPT(opt *dns.OPT) {
	_ = opt.Version()
	_ = opt.ExtendedRcode()
	_ = opt.UDPSize()
	_ = opt.Do()
	_ = opt.Co()
	_ = opt.Z()
	for _, o := range opt.Option {
		_ = o.Option()
		_ = o.String()
		if s, ok := o.(*dns.EDNS0_SUBNET); ok {
			_ = s.Address.String()
		}
	}
}

func touchRR(rr dns.RR) {
	if rr == nil {
		return
	}
	_ = rr.String()
	_ = dns.Len(rr)
	switch r := rr.(type) {
	case *dns.OPT:
		touchOPT(r)
	case *dns.SVCB:
		touchSVCB(r.Value)
	case *dns.HTTPS:
		touchSVCB(r.Value)
	case *dns.NSEC3:
		_ = r.Match(r.Hdr.Name)
		_ = r.Cover(r.Hdr.Name)
	case *dns.DNSKEY:
		_ = r.KeyTag()
	case *dns.RRSIG:
		_ = r.ValidityPeriod(refTime)
	}
}

func touchSVCB(vals []dns.SVCBKeyValue) {
	for _, v := range vals {
		_ = v.Key().String()
		_ = v.String()
	}
}
