package dnsfuzz

import (
	"strings"
	"time"

	"github.com/miekg/dns"
)

// zoneRecords is the authoritative data zoneHandler serves.
var zoneRecords = func() map[string][]dns.RR {
	z := map[string][]dns.RR{}
	for _, l := range []string{
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300",
		"example.org. 3600 IN NS ns1.example.org.",
		"example.org. 3600 IN MX 10 mail.example.org.",
		`example.org. 3600 IN TXT "v=spf1 mx -all"`,
		"example.org. 3600 IN HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.80",
		"ns1.example.org. 3600 IN A 192.0.2.53",
		"mail.example.org. 3600 IN A 192.0.2.25",
		"www.example.org. 3600 IN CNAME web.example.org.",
		"web.example.org. 3600 IN A 192.0.2.80",
		"web.example.org. 3600 IN AAAA 2001:db8::80",
		"_sip._udp.example.org. 3600 IN SRV 10 60 5060 sip.example.org.",
	} {
		rr, err := dns.NewRR(l)
		if err != nil {
			panic("dnsfuzz: built-in zone record " + l + ": " + err.Error())
		}
		name := strings.ToLower(rr.Header().Name)
		z[name] = append(z[name], rr)
	}
	for i := 0; i < 60; i++ { // a large RRset, so replies need truncation
		z["big.example.org."] = append(z["big.example.org."], &dns.A{
			Hdr: dns.RR_Header{Name: "big.example.org.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
			A:   []byte{10, 0, 0, byte(i)},
		})
	}
	return z
}()

// zoneHandler answers like a small authoritative server: QUERY from
// zoneRecords (CNAME chasing, ANY, NXDOMAIN with SOA, REFUSED outside the
// zone), NOTIFY acknowledged, UPDATE refused, anything else NOTIMP; EDNS0
// echoed with cookie, NSID, client subnet and padding handled; a TSIG-signed
// request answered signed (or with the TSIG error); the reply truncated to
// the client's buffer.
func zoneHandler(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg).SetReply(r)
	m.Authoritative = true
	switch r.Opcode {
	case dns.OpcodeQuery:
		answerQuery(m, r)
	case dns.OpcodeNotify:
	case dns.OpcodeUpdate:
		m.Rcode = dns.RcodeRefused
	default:
		m.Rcode = dns.RcodeNotImplemented
	}
	size := dns.MinMsgSize
	if opt := r.IsEdns0(); opt != nil {
		if opt.Version() != 0 {
			m.Rcode = dns.RcodeBadVers
		}
		size = max(size, min(int(opt.UDPSize()), maxServerUDP))
		m.Extra = append(m.Extra, replyOPT(opt))
	}
	if t := r.IsTsig(); t != nil {
		if w.TsigStatus() == nil {
			m.SetTsig(t.Hdr.Name, t.Algorithm, 300, time.Now().Unix())
		} else {
			// Unknown key, bad MAC or time: NOTAUTH, unsigned
			// (RFC 8945 section 5.2).
			m.Rcode = dns.RcodeNotAuth
		}
	}
	_ = w.RemoteAddr().String() + w.LocalAddr().String()
	m.Truncate(size)
	if err := w.WriteMsg(m); err != nil {
		// Pack refused the reply; a daemon falls back to SERVFAIL.
		fail := new(dns.Msg).SetRcode(r, dns.RcodeServerFailure)
		if w.WriteMsg(fail) != nil {
			fail.Question = nil
			_ = w.WriteMsg(fail)
		}
	}
}

func answerQuery(m, r *dns.Msg) {
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return
	}
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	if !dns.IsSubDomain("example.org.", name) {
		m.Rcode = dns.RcodeRefused
		return
	}
	for hops := 0; hops < 8; hops++ {
		rrs, ok := zoneRecords[name]
		if !ok {
			if len(m.Answer) == 0 {
				m.Rcode = dns.RcodeNameError
			}
			m.Ns = append(m.Ns, zoneRecords["example.org."][0])
			return
		}
		var cname string
		for _, rr := range rrs {
			switch {
			case q.Qtype == dns.TypeANY || rr.Header().Rrtype == q.Qtype:
				m.Answer = append(m.Answer, rr)
			case rr.Header().Rrtype == dns.TypeCNAME:
				m.Answer = append(m.Answer, rr)
				cname = strings.ToLower(rr.(*dns.CNAME).Target)
			}
		}
		if cname == "" {
			return
		}
		name = cname
	}
}

// replyOPT builds the reply's OPT from the request's, reading every
// option (the lazily decoded ones included) as a daemon does.
func replyOPT(req *dns.OPT) *dns.OPT {
	opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
	opt.SetUDPSize(maxServerUDP)
	opt.SetDo(req.Do())
	for _, o := range req.Option {
		switch e := o.(type) {
		case *dns.EDNS0_COOKIE:
			if len(e.Cookie) >= 16 {
				opt.Option = append(opt.Option, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: e.Cookie[:16] + "0102030405060708"})
			}
		case *dns.EDNS0_NSID:
			opt.Option = append(opt.Option, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6e7331"})
		case *dns.EDNS0_SUBNET:
			opt.Option = append(opt.Option, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: e.Family,
				SourceNetmask: e.SourceNetmask, SourceScope: e.SourceNetmask, Address: e.Address})
		case *dns.EDNS0_PADDING:
			opt.Option = append(opt.Option, &dns.EDNS0_PADDING{Padding: make([]byte, 16)})
		case *dns.EDNS0_TCP_KEEPALIVE:
			opt.Option = append(opt.Option, &dns.EDNS0_TCP_KEEPALIVE{Code: dns.EDNS0TCPKEEPALIVE, Timeout: 100})
		default:
			_ = e.String()
		}
	}
	return opt
}
