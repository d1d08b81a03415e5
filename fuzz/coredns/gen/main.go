// Command gen writes the seeds of the CoreDNS targets into the repository's
// corpus/: coredns-query (Server inputs: a selector byte, a query, the fake
// upstream's reply; see corednsfuzz.Frame) and coredns-corefile (Corefiles
// in the shapes operators write). Run it from fuzz/coredns: go run ./gen
//
// Query seeds are hand-made queries aimed at each configuration's rules,
// plus every query of corpus/dns-wire (captured from real resolvers and
// clients) sent to each configuration; a captured query whose captured
// response is also in corpus/dns-wire (same ID and question) goes to the
// caching forwarder with that response as the upstream's answer.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	corednsfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/coredns"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/miekg/dns"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := corpus.FindRoot(wd)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	hand := func(note string) corpus.Provenance {
		return corpus.Provenance{Kind: corpus.KindHandmade, Source: "fuzz/coredns/gen", Note: note, Added: now}
	}

	q := corpus.Dir{Root: root, Format: "coredns-query"}.NewBatch()
	for ci, c := range corednsfuzz.Configs {
		for _, hq := range handQueries(c) {
			for _, tcp := range []bool{false, true} {
				up := upstreamFor(hq.msg, hq.answer)
				if _, _, err := q.Add(corednsfuzz.Frame(ci, tcp, pack(hq.msg), up), hand(fmt.Sprintf("%s over %s: %s", c.Name, proto(tcp), hq.note))); err != nil {
					return err
				}
			}
		}
	}
	wire, err := corpus.Dir{Root: root, Format: "dns-wire"}.Seeds()
	if err != nil {
		return err
	}
	responses := map[string][]byte{}
	var queries []*dns.Msg
	var raws [][]byte
	for _, s := range wire {
		var m dns.Msg
		if m.Unpack(s.Data) != nil || len(m.Question) != 1 {
			continue
		}
		if m.Response {
			responses[key(&m)] = s.Data
		} else {
			queries = append(queries, &m)
			raws = append(raws, s.Data)
		}
	}
	for i, m := range queries {
		up := responses[key(m)]
		src := corpus.Provenance{Kind: corpus.KindCaptured, Source: "corpus/dns-wire/" + corpus.Name(raws[i]), Note: "captured query " + m.Question[0].String(), Added: now}
		// One configuration per captured query, in turn; the caching
		// forwarder only for those with a captured response to replay.
		ci := i % len(corednsfuzz.Configs)
		if corednsfuzz.Configs[ci].Cache && up == nil {
			ci = (ci + 1) % len(corednsfuzz.Configs)
		}
		if up != nil && i%3 == 0 {
			ci = cacheConfig()
		}
		if _, _, err := q.Add(corednsfuzz.Frame(ci, i%2 == 1, raws[i], up), src); err != nil {
			return err
		}
	}
	nq := q.Added()
	if err := q.Close(); err != nil {
		return err
	}

	cf := corpus.Dir{Root: root, Format: "coredns-corefile"}.NewBatch()
	for _, c := range corednsfuzz.Configs {
		text := strings.ReplaceAll(c.Corefile, "{upstream}", "127.0.0.1:5300")
		if _, _, err := cf.Add([]byte(text), hand("the Server target's "+c.Name+" configuration")); err != nil {
			return err
		}
	}
	for _, s := range extraCorefiles {
		if _, _, err := cf.Add([]byte(s.text), hand(s.note)); err != nil {
			return err
		}
	}
	ncf := cf.Added()
	if err := cf.Close(); err != nil {
		return err
	}
	fmt.Printf("coredns-query: %d new\ncoredns-corefile: %d new\n", nq, ncf)
	return nil
}

func cacheConfig() int {
	for i, c := range corednsfuzz.Configs {
		if c.Cache {
			return i
		}
	}
	panic("no caching configuration")
}

func key(m *dns.Msg) string {
	return fmt.Sprintf("%d %s", m.Id, strings.ToLower(m.Question[0].String()))
}

func proto(tcp bool) string {
	if tcp {
		return "tcp"
	}
	return "udp"
}

func pack(m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

type handQuery struct {
	note   string
	msg    *dns.Msg
	answer []string // the upstream's answer records, for the caching forwarder
}

func query(id uint16, name string, t uint16, do bool) *dns.Msg {
	m := new(dns.Msg)
	m.Id = id
	m.RecursionDesired = true
	m.SetQuestion(name, t)
	m.Id = id
	if do {
		m.SetEdns0(1232, true)
	}
	return m
}

func handQueries(c corednsfuzz.Config) []handQuery {
	var out []handQuery
	add := func(note, name string, t uint16, do bool, answer ...string) {
		out = append(out, handQuery{note: note, msg: query(uint16(0x1000+len(out)), name, t, do), answer: answer})
	}
	switch {
	case c.Auth:
		for _, do := range []bool{false, true} {
			add("apex SOA", "example.org.", dns.TypeSOA, do)
			add("apex NS", "example.org.", dns.TypeNS, do)
			add("apex MX", "example.org.", dns.TypeMX, do)
			add("apex DNSKEY", "example.org.", dns.TypeDNSKEY, do)
			add("A", "web.example.org.", dns.TypeA, do)
			add("AAAA, mixed case", "WeB.ExAmPlE.oRg.", dns.TypeAAAA, do)
			add("HTTPS", "web.example.org.", dns.TypeHTTPS, do)
			add("CNAME chased", "www.example.org.", dns.TypeA, do)
			add("SRV", "_sip._udp.example.org.", dns.TypeSRV, do)
			add("wildcard", "x.wild.example.org.", dns.TypeA, do)
			add("empty non-terminal", "deep.example.org.", dns.TypeA, do)
			add("NXDOMAIN", "nope.example.org.", dns.TypeA, do)
			add("NODATA", "mail.example.org.", dns.TypeAAAA, do)
			add("referral", "host.sub.example.org.", dns.TypeA, do)
			add("ANY", "example.org.", dns.TypeANY, do)
			add("outside the zone", "example.com.", dns.TypeA, do)
		}
	case c.Cache:
		add("A from the upstream", "cached.example.com.", dns.TypeA, false, "cached.example.com. 300 IN A 192.0.2.10")
		add("CNAME chain from the upstream", "alias.example.com.", dns.TypeA, true,
			"alias.example.com. 600 IN CNAME target.example.net.", "target.example.net. 60 IN A 192.0.2.11")
		add("MX with TTL 0", "mx.example.com.", dns.TypeMX, false, "mx.example.com. 0 IN MX 10 mail.example.com.")
		add("TXT", "txt.example.com.", dns.TypeTXT, false, `txt.example.com. 86400 IN TXT "a" "b"`)
		add("NXDOMAIN from the upstream", "nx.example.com.", dns.TypeAAAA, false)
	case len(c.Drops) > 0:
		add("hosts A", "host.example.org.", dns.TypeA, false)
		add("hosts AAAA", "host.example.org.", dns.TypeAAAA, false)
		add("hosts PTR", "7.2.0.192.in-addr.arpa.", dns.TypePTR, false)
		add("acl block AXFR", "example.org.", dns.TypeAXFR, false)
		add("acl filter ANY", "example.org.", dns.TypeANY, false)
		add("acl drop NULL", "example.org.", dns.TypeNULL, false)
		add("template NXDOMAIN", "other.example.", dns.TypeMX, false)
	default:
		add("rewrite regex .example.net", "www.example.net.", dns.TypeA, false)
		add("rewrite suffix .corp.", "web.corp.", dns.TypeAAAA, true)
		add("rewrite type ANY", "example.org.", dns.TypeANY, false)
		add("template A", "10-1-2-3.tmpl.example.org.", dns.TypeA, false)
		add("template TXT", "x.tmpl.example.org.", dns.TypeTXT, false)
		add("hosts", "localhost.example.org.", dns.TypeAAAA, false)
		add("file", "mail.example.org.", dns.TypeA, true)
	}
	return out
}

// upstreamFor answers m with answer records, or NXDOMAIN with none.
func upstreamFor(m *dns.Msg, answer []string) []byte {
	r := new(dns.Msg)
	r.SetReply(m)
	r.RecursionAvailable = true
	if len(answer) == 0 {
		r.Rcode = dns.RcodeNameError
		r.Ns = []dns.RR{mustRR("com. 900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 900")}
	}
	for _, a := range answer {
		r.Answer = append(r.Answer, mustRR(a))
	}
	return pack(r)
}

func mustRR(s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		panic(err)
	}
	return rr
}

type corefileSeed struct{ note, text string }

var extraCorefiles = []corefileSeed{
	{"several server blocks and zones", `example.org:0 example.net:0 {
	bind 127.0.0.1 ::1
	file {$DAEMONFUZZ_COREDNS_DIR}/db.example.org example.org {
		reload 0
	}
	errors {
		consolidate 5m ".* i/o timeout$" warning
	}
	log . "{remote}:{port} {>id} {type} {class} {name} {proto} {size} {>do} {>bufsize} {rcode} {>rflags} {rsize} {duration}"
}
.:0 {
	bind 127.0.0.1
	cache {
		success 5000 3600 30
		denial 2500 1800 5
		prefetch 10 1m 10%
		serve_stale 1h verify
		servfail 5s
		keepttl
	}
	forward . 127.0.0.1:5300 [::1]:5300 {
		policy round_robin
		health_check 5s
		max_concurrent 100
		except example.org
	}
}
`},
	{"template with regex groups, rcode and ederror", `.:0 {
	bind 127.0.0.1
	template IN A example {
		match ^ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
		answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
		fallthrough
	}
	template ANY ANY invalid {
		rcode NXDOMAIN
		ederror 21 "Not Supported"
	}
}
`},
	{"rewrite rules of every field", `.:0 {
	bind 127.0.0.1
	rewrite continue {
		name regex (.*)-(us-west-1)\.example\.org {1}.service.{2}.consul answer auto
	}
	rewrite class CH IN
	rewrite edns0 local set 0xffee 0x61626364
	rewrite edns0 nsid set
	rewrite cname exact xyz.example.org. abc.example.org.
	rewrite rcode exact example.org. SERVFAIL FORMERR
	rewrite ttl exact example.com. 30
	hosts {
		192.0.2.1 a.example.org
	}
}
`},
	{"acl with zones and IPv6 nets", `example.org:0 {
	bind ::1
	acl example.org {
		allow type A net 192.168.0.0/16 2001:db8::/32
		block type * net *
	}
	hosts /etc/hosts example.org {
		ttl 60
		no_reverse
		reload 0
		fallthrough
	}
}
`},
	{"dnssec with a key and cache capacity", `example.org:0 {
	bind 127.0.0.1
	dnssec example.org {
		key file {$DAEMONFUZZ_COREDNS_DIR}/Kexample.org.+013+fuzz
		cache_capacity 100
	}
	file {$DAEMONFUZZ_COREDNS_DIR}/db.example.org
}
`},
}
