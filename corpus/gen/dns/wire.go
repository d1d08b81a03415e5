// wire.go hand-builds the dns-wire seeds, one message per RR type and EDNS0
// option; it is long because the list is.

package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net"

	"github.com/miekg/dns"
)

// Fixed material so regenerating gives byte-identical seeds.
const (
	tsigKey    = "xfr-key."
	tsigSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYnk=" // base64, 32 bytes
	tsigTime   = 1700000000                                     // 2023-11-14T22:13:20Z
	sigIncept  = 1700000000
	sigExpire  = 2000000000
)

// ed25519Seed makes the DNSSEC key deterministic; Ed25519 signatures are
// deterministic too, so signed seeds are stable across regenerations.
var ed25519Seed = []byte("daemonfuzz-dns-seed-key-32-bytes")

// wireSeeds builds DNS messages covering queries and responses of every
// type in rrLines, EDNS0 options, DNSSEC, truncation, zone transfers,
// dynamic update, TSIG and name compression, plus a few hand-crafted
// malformed messages (compression loops) that only bytes can express.
func wireSeeds() ([]seed, error) {
	var out []seed
	add := func(note string, m *dns.Msg) error {
		m.Id = uint16(0x1000 + len(out)) // SetQuestion draws a random ID
		b, err := m.Pack()
		if err != nil {
			return fmt.Errorf("%s: pack: %w", note, err)
		}
		out = append(out, seed{b, note})
		return nil
	}
	rrs, err := parseRRs(rrLines)
	if err != nil {
		return nil, err
	}

	// A query and a compressed response per record type.
	for i, rr := range rrs {
		h := rr.Header()
		q := new(dns.Msg)
		q.SetQuestion(h.Name, h.Rrtype)
		q.Question[0].Qclass = h.Class
		if i%2 == 0 {
			q.SetEdns0(1232, i%4 == 0)
		}
		if err := add("query "+dns.TypeToString[h.Rrtype], q); err != nil {
			return nil, err
		}
		r := new(dns.Msg)
		r.SetReply(q)
		r.Authoritative = true
		r.Compress = true
		r.Answer = []dns.RR{rr}
		if err := add("response "+dns.TypeToString[h.Rrtype], r); err != nil {
			return nil, err
		}
	}

	for _, b := range []func() (string, *dns.Msg, error){
		ednsQuery, ednsResponse, dnssecAnswer, dnssecDenial, dnskeyAnswer,
		truncated, axfr, ixfr, update, notify, compressed, uncompressed,
		nxdomainWithSOA, servfailEDE, referral,
	} {
		note, m, err := b()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", note, err)
		}
		if err := add(note, m); err != nil {
			return nil, err
		}
	}
	for _, b := range []func() (string, []byte, error){tsigQuery, tsigResponse, tsigBadTime} {
		note, wire, err := b()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", note, err)
		}
		out = append(out, seed{wire, note})
	}
	out = append(out, craftedSeeds()...)
	return out, nil
}

func parseRRs(lines []string) ([]dns.RR, error) {
	out := make([]dns.RR, 0, len(lines))
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			return nil, fmt.Errorf("record %q: %w", l, err)
		}
		out = append(out, rr)
	}
	return out, nil
}

func mustRR(s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		panic(fmt.Sprintf("gen/dns: built-in record %q: %v", s, err))
	}
	return rr
}

func hdr(name string, t uint16, ttl uint32) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
}

// allOptions is one EDNS0 option of every kind miekg/dns models.
func allOptions() []dns.EDNS0 {
	return []dns.EDNS0{
		&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6e73312e6578616d706c65"},
		&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.IPv4(198, 51, 100, 0).To4()},
		&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 2, SourceNetmask: 56, SourceScope: 48, Address: net.ParseIP("2001:db8:1:2::")},
		&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "24a5ac1223be3d5b01000000653bd2a0c4a46ccf7eb2da6f"},
		&dns.EDNS0_UL{Code: dns.EDNS0UL, Lease: 7200, KeyLease: 86400},
		&dns.EDNS0_LLQ{Code: dns.EDNS0LLQ, Version: 1, Opcode: 1, Id: 0x0102030405060708, LeaseLife: 3600},
		&dns.EDNS0_DAU{Code: dns.EDNS0DAU, AlgCode: []uint8{8, 13, 15}},
		&dns.EDNS0_DHU{Code: dns.EDNS0DHU, AlgCode: []uint8{2, 4}},
		&dns.EDNS0_N3U{Code: dns.EDNS0N3U, AlgCode: []uint8{1}},
		&dns.EDNS0_EXPIRE{Code: dns.EDNS0EXPIRE, Expire: 604800},
		&dns.EDNS0_TCP_KEEPALIVE{Code: dns.EDNS0TCPKEEPALIVE, Timeout: 300},
		&dns.EDNS0_PADDING{Padding: make([]byte, 12)},
		&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeDNSBogus, ExtraText: "signature expired"},
		&dns.EDNS0_ESU{Code: dns.EDNS0ESU, Uri: "sip:+12345@example.org"},
		&dns.EDNS0_REPORTING{Code: dns.EDNS0REPORTING, AgentDomain: "report.example.org."},
		&dns.EDNS0_ZONEVERSION{Code: dns.EDNS0ZONEVERSION, LabelCount: 2, Type: 0, Version: "78a1b2c3"},
		&dns.EDNS0_LOCAL{Code: dns.EDNS0LOCALSTART, Data: []byte{0xde, 0xad, 0xbe, 0xef}},
	}
}

func ednsQuery() (string, *dns.Msg, error) {
	m := new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA)
	m.Id = 0x2001
	m.SetEdns0(4096, true)
	opt := m.IsEdns0()
	opt.SetVersion(0)
	opt.SetCo(true)
	opt.Option = allOptions()
	return "query with OPT carrying every EDNS0 option", m, nil
}

func ednsResponse() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetQuestion("www.example.org.", dns.TypeAAAA)
	r := new(dns.Msg).SetReply(q)
	r.Answer = []dns.RR{mustRR("www.example.org. 60 IN AAAA 2001:db8::80")}
	r.SetEdns0(1232, true)
	opt := r.IsEdns0()
	opt.SetExtendedRcode(dns.RcodeBadVers)
	opt.Option = []dns.EDNS0{
		&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6e7331"},
		&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "24a5ac1223be3d5b"},
		&dns.EDNS0_PADDING{Padding: make([]byte, 40)},
	}
	return "response with extended rcode BADVERS and EDNS0 options", r, nil
}

func signingKey() (*dns.DNSKEY, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(ed25519Seed)
	key := &dns.DNSKEY{
		Hdr:       hdr("example.org.", dns.TypeDNSKEY, 3600),
		Flags:     257,
		Protocol:  3,
		Algorithm: dns.ED25519,
		PublicKey: base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)),
	}
	return key, priv
}

func sign(rrset []dns.RR) (*dns.RRSIG, error) {
	key, priv := signingKey()
	h := rrset[0].Header()
	sig := &dns.RRSIG{
		Hdr:        hdr(h.Name, dns.TypeRRSIG, h.Ttl),
		KeyTag:     key.KeyTag(),
		SignerName: key.Hdr.Name,
		Algorithm:  key.Algorithm,
		Inception:  sigIncept,
		Expiration: sigExpire,
	}
	if err := sig.Sign(priv, rrset); err != nil {
		return nil, err
	}
	return sig, nil
}

func dnssecAnswer() (string, *dns.Msg, error) {
	const note = "DNSSEC answer: A RRset with an Ed25519 RRSIG"
	q := new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA)
	q.SetEdns0(1232, true)
	r := new(dns.Msg).SetReply(q)
	r.AuthenticatedData = true
	rrset := []dns.RR{mustRR("www.example.org. 300 IN A 192.0.2.80"), mustRR("www.example.org. 300 IN A 192.0.2.81")}
	sig, err := sign(rrset)
	if err != nil {
		return note, nil, err
	}
	r.Answer = append(rrset, sig)
	r.SetEdns0(1232, true)
	return note, r, nil
}

func dnskeyAnswer() (string, *dns.Msg, error) {
	const note = "DNSSEC answer: self-signed DNSKEY RRset and DS"
	key, _ := signingKey()
	sig, err := sign([]dns.RR{key})
	if err != nil {
		return note, nil, err
	}
	q := new(dns.Msg).SetQuestion("example.org.", dns.TypeDNSKEY)
	q.SetEdns0(4096, true)
	r := new(dns.Msg).SetReply(q)
	r.Answer = []dns.RR{key, sig}
	r.Extra = []dns.RR{key.ToDS(dns.SHA256), key.ToDS(dns.SHA384)}
	r.SetEdns0(4096, true)
	return note, r, nil
}

func dnssecDenial() (string, *dns.Msg, error) {
	const note = "DNSSEC NXDOMAIN: SOA, NSEC and NSEC3 with RRSIGs"
	q := new(dns.Msg).SetQuestion("nope.example.org.", dns.TypeA)
	q.SetEdns0(1232, true)
	r := new(dns.Msg).SetReply(q)
	r.Rcode = dns.RcodeNameError
	soa := mustRR("example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300")
	nsec := mustRR("mail.example.org. 300 IN NSEC www.example.org. A AAAA RRSIG NSEC")
	nsec3 := &dns.NSEC3{
		Hdr:  hdr(dns.HashName("nope.example.org.", dns.SHA1, 0, "aabb")+".example.org.", dns.TypeNSEC3, 300),
		Hash: dns.SHA1, Iterations: 0, SaltLength: 2, Salt: "AABB",
		HashLength: 20, NextDomain: "2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
		TypeBitMap: []uint16{dns.TypeA, dns.TypeRRSIG, dns.TypeHTTPS, dns.TypeCAA},
	}
	r.Ns = []dns.RR{soa, nsec, nsec3}
	for _, rr := range []dns.RR{soa, nsec, nsec3} {
		sig, err := sign([]dns.RR{rr})
		if err != nil {
			return note, nil, err
		}
		r.Ns = append(r.Ns, sig)
	}
	r.SetEdns0(1232, true)
	return note, r, nil
}

func truncated() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetQuestion("big.example.org.", dns.TypeA)
	r := new(dns.Msg).SetReply(q)
	for i := 0; i < 80; i++ {
		r.Answer = append(r.Answer, &dns.A{Hdr: hdr("big.example.org.", dns.TypeA, 60), A: net.IPv4(10, 0, byte(i/250), byte(i%250)).To4()})
	}
	r.Truncate(dns.MinMsgSize)
	return "truncated UDP answer (TC set by Msg.Truncate(512))", r, nil
}

func zoneRecords() []dns.RR {
	return []dns.RR{
		mustRR("example.org. 3600 IN NS ns1.example.org."),
		mustRR("example.org. 3600 IN MX 10 mail.example.org."),
		mustRR("ns1.example.org. 3600 IN A 192.0.2.53"),
		mustRR("mail.example.org. 3600 IN A 192.0.2.25"),
		mustRR("www.example.org. 3600 IN CNAME example.org."),
		mustRR(`example.org. 3600 IN TXT "zone transfer"`),
	}
}

func axfr() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetAxfr("example.org.")
	r := new(dns.Msg).SetReply(q)
	r.Compress = true
	soa := mustRR("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300")
	r.Answer = append(append([]dns.RR{soa}, zoneRecords()...), soa)
	return "AXFR response: SOA, records, SOA", r, nil
}

func ixfr() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetIxfr("example.org.", 2024010101, "ns1.example.org.", "hostmaster.example.org.")
	r := new(dns.Msg).SetReply(q)
	r.Compress = true
	soa := func(serial int) dns.RR {
		return mustRR(fmt.Sprintf("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. %d 7200 3600 1209600 300", serial))
	}
	r.Answer = []dns.RR{
		soa(2024010103),
		soa(2024010101), mustRR("old.example.org. 3600 IN A 192.0.2.1"),
		soa(2024010103), mustRR("new.example.org. 3600 IN A 192.0.2.2"),
		soa(2024010103),
	}
	return "IXFR response with one difference sequence", r, nil
}

func update() (string, *dns.Msg, error) {
	m := new(dns.Msg).SetUpdate("example.org.")
	m.Id = 0x3001
	m.NameUsed([]dns.RR{mustRR("host.example.org. 0 IN A 0.0.0.0")})
	m.NameNotUsed([]dns.RR{mustRR("free.example.org. 0 IN A 0.0.0.0")})
	m.RRsetUsed([]dns.RR{mustRR("host.example.org. 0 IN A 0.0.0.0")})
	m.Used([]dns.RR{mustRR("host.example.org. 0 IN A 192.0.2.1")})
	m.RRsetNotUsed([]dns.RR{mustRR("host.example.org. 0 IN AAAA ::")})
	m.Insert([]dns.RR{mustRR("host.example.org. 300 IN AAAA 2001:db8::1")})
	m.RemoveRRset([]dns.RR{mustRR("host.example.org. 0 IN TXT \"\"")})
	m.RemoveName([]dns.RR{mustRR("gone.example.org. 0 IN A 0.0.0.0")})
	m.Remove([]dns.RR{mustRR("host.example.org. 0 IN A 192.0.2.1")})
	return "dynamic update (RFC 2136) with every prerequisite and update kind", m, nil
}

func notify() (string, *dns.Msg, error) {
	m := new(dns.Msg).SetNotify("example.org.")
	m.Answer = []dns.RR{mustRR("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2024010102 7200 3600 1209600 300")}
	return "NOTIFY with SOA", m, nil
}

func manyNames() *dns.Msg {
	q := new(dns.Msg).SetQuestion("a.very.long.label.chain.for.compression.example.org.", dns.TypeMX)
	r := new(dns.Msg).SetReply(q)
	base := "label.chain.for.compression.example.org."
	for i := 0; i < 12; i++ {
		r.Answer = append(r.Answer, &dns.MX{Hdr: hdr(q.Question[0].Name, dns.TypeMX, 60), Preference: uint16(i), Mx: fmt.Sprintf("mx%d.%s", i, base)})
		r.Extra = append(r.Extra, &dns.A{Hdr: hdr(fmt.Sprintf("mx%d.%s", i, base), dns.TypeA, 60), A: net.IPv4(192, 0, 2, byte(i)).To4()})
	}
	r.Ns = []dns.RR{
		&dns.SOA{Hdr: hdr("example.org.", dns.TypeSOA, 60), Ns: "ns." + base, Mbox: "h." + base, Serial: 1},
		&dns.SRV{Hdr: hdr("_x._tcp."+base, dns.TypeSRV, 60), Target: "srv." + base},
		&dns.PTR{Hdr: hdr("ptr."+base, dns.TypePTR, 60), Ptr: "p." + base},
	}
	return r
}

func compressed() (string, *dns.Msg, error) {
	r := manyNames()
	r.Compress = true
	return "response whose names share suffixes, packed with compression", r, nil
}

func uncompressed() (string, *dns.Msg, error) {
	return "response whose names share suffixes, packed without compression", manyNames(), nil
}

func nxdomainWithSOA() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetQuestion("missing.example.org.", dns.TypeTXT)
	r := new(dns.Msg).SetRcode(q, dns.RcodeNameError)
	r.Ns = []dns.RR{mustRR("example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300")}
	return "NXDOMAIN with SOA in authority", r, nil
}

func servfailEDE() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetQuestion("bogus.example.org.", dns.TypeA)
	r := new(dns.Msg).SetRcode(q, dns.RcodeServerFailure)
	r.SetEdns0(1232, true)
	r.IsEdns0().Option = []dns.EDNS0{
		&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeDNSBogus},
		&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeNoReachableAuthority, ExtraText: "ns1 timed out"},
	}
	return "SERVFAIL with two extended DNS errors", r, nil
}

func referral() (string, *dns.Msg, error) {
	q := new(dns.Msg).SetQuestion("www.sub.example.org.", dns.TypeA)
	r := new(dns.Msg).SetReply(q)
	r.Compress = true
	r.Ns = []dns.RR{mustRR("sub.example.org. 86400 IN NS ns.sub.example.org."), mustRR("sub.example.org. 86400 IN DS 60485 13 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A")}
	r.Extra = []dns.RR{mustRR("ns.sub.example.org. 86400 IN A 192.0.2.54"), mustRR("ns.sub.example.org. 86400 IN AAAA 2001:db8::54")}
	return "referral with glue and DS", r, nil
}

func tsigQuery() (string, []byte, error) {
	const note = "TSIG-signed AXFR query (hmac-sha256)"
	m := new(dns.Msg).SetAxfr("example.org.")
	m.Id = 0x4001
	m.SetTsig(tsigKey, dns.HmacSHA256, 300, tsigTime)
	wire, _, err := dns.TsigGenerate(m, tsigSecret, "", false)
	return note, wire, err
}

func tsigResponse() (string, []byte, error) {
	const note = "TSIG-signed response chained to the query MAC (hmac-sha512)"
	q := new(dns.Msg).SetQuestion("example.org.", dns.TypeSOA)
	q.Id = 0x4002
	q.SetTsig(tsigKey, dns.HmacSHA512, 300, tsigTime)
	_, mac, err := dns.TsigGenerate(q, tsigSecret, "", false)
	if err != nil {
		return note, nil, err
	}
	r := new(dns.Msg).SetReply(q)
	r.Answer = []dns.RR{mustRR("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300")}
	r.SetTsig(tsigKey, dns.HmacSHA512, 300, tsigTime)
	wire, _, err := dns.TsigGenerate(r, tsigSecret, mac, false)
	return note, wire, err
}

func tsigBadTime() (string, []byte, error) {
	const note = "TSIG error response BADTIME with other data, timers only"
	r := new(dns.Msg).SetQuestion("example.org.", dns.TypeSOA)
	r.Id = 0x4003
	r.Response = true
	r.Rcode = dns.RcodeNotAuth
	r.SetTsig(tsigKey, dns.HmacSHA1, 300, tsigTime)
	t := r.Extra[0].(*dns.TSIG)
	t.Error = dns.RcodeBadTime
	t.OtherLen = 6
	t.OtherData = "000065536000"
	wire, _, err := dns.TsigGenerate(r, tsigSecret, "", true)
	return note, wire, err
}

// craftedSeeds are malformed messages no dns.Msg can express.
func craftedSeeds() []seed {
	header := func(qd, an uint16) []byte {
		return []byte{0xbe, 0xef, 0x81, 0x80, byte(qd >> 8), byte(qd), byte(an >> 8), byte(an), 0, 0, 0, 0}
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	tail := []byte{0, 1, 0, 1}
	return []seed{
		{cat(header(1, 0), []byte{0xc0, 12}, tail), "compression loop: question name points at itself"},
		{cat(header(1, 0), []byte{1, 'a', 0xc0, 12}, tail), "compression loop: label then pointer back to its own start"},
		{cat(header(1, 0), []byte{0xc0, 14, 0xc0, 12}, tail), "compression loop: two pointers to each other"},
		{cat(header(1, 0), []byte{0xc0, 0x30}, tail), "compression pointer past the end of the message"},
		{cat(header(1, 1), []byte{3, 'w', 'w', 'w', 0}, tail, []byte{0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1}), "answer owner compressed to the question name"},
		{cat(header(1, 1), []byte{3, 'w', 'w', 'w', 0}, tail, []byte{0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 0x1d}), "CNAME whose target points into its own rdata"},
		{cat(header(1, 0), []byte{0x40, 'a', 0}, tail), "reserved label type 0x40 (EDNS0 extended label)"},
		{cat(header(0, 0)), "header only, no sections"},
		{cat(header(2, 0), []byte{0}, tail), "question count larger than the questions present"},
		{cat(header(0, 1), []byte{0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 8, 0, 10, 0, 4, 1, 2, 3, 4}), "OPT in answer section with an option overrunning rdata"},
	}
}
