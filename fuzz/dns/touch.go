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
//
// Msg.String already prints every question, every record and every EDNS0
// option (an OPT in the additional section as the pseudo-section, one
// elsewhere as a record), so each is printed once, there.
func touchMsg(m *dns.Msg) {
	_ = m.String()
	touchMsgAccessors(m)
}

// touchMsgAccessors is touchMsg without Msg.String, for Wire: its
// checkDuplicates hands every record of every section to dns.Dedup, which
// prints each (normalizedString), so Msg.String would print them a second
// time. The header and questions are printed here.
func touchMsgAccessors(m *dns.Msg) {
	_ = m.MsgHdr.String()
	for _, q := range m.Question {
		_ = q.String()
	}
	_ = m.IsTsig()
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			touchRRAccessors(rr)
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
		if s, ok := o.(*dns.EDNS0_SUBNET); ok {
			_ = s.Address.String()
		}
	}
}

// touchRR is touchMsg for one record: its String form and accessors.
func touchRR(rr dns.RR) {
	if rr == nil {
		return
	}
	_ = rr.String()
	touchRRAccessors(rr)
}

// touchRRAccessors calls rr's on-demand accessors other than String.
func touchRRAccessors(rr dns.RR) {
	if rr == nil {
		return
	}
	_ = dns.Len(rr)
	switch r := rr.(type) {
	case *dns.OPT:
		touchOPT(r)
	case *dns.SVCB:
		touchSVCB(r.Value)
	case *dns.HTTPS:
		touchSVCB(r.Value)
	case *dns.NSEC3:
		// Match and Cover hash the name Iterations+1 times (SHA-1): a
		// fuzzed count up to 65535 makes one input cost milliseconds and
		// reaches no code 16 iterations do not.
		c := *r
		c.Iterations = min(c.Iterations, maxTouchIterations)
		_ = c.Match(c.Hdr.Name)
		_ = c.Cover(c.Hdr.Name)
	case *dns.DNSKEY:
		_ = r.KeyTag()
	case *dns.RRSIG:
		_ = r.ValidityPeriod(refTime)
	}
}

// maxTouchIterations bounds the NSEC3 hash iterations touchRRAccessors
// spends on one record.
const maxTouchIterations = 16

func touchSVCB(vals []dns.SVCBKeyValue) {
	for _, v := range vals {
		_ = v.Key().String() // the value itself is printed by the record's String
	}
}
