package corednsfuzz

import "github.com/miekg/dns"

// Config is one CoreDNS configuration the Server target runs queries
// through. {$DAEMONFUZZ_COREDNS_DIR} is the scratch directory with the zone
// file and the key (Caddy expands it); {upstream} is the fake upstream's
// address. Every server listens on 127.0.0.1 on a port the kernel picks.
type Config struct {
	Name     string
	Corefile string
	// Auth: the server is authoritative for ZoneOrigin from the zone file and
	// nothing rewrites queries or answers, so the zone oracle applies.
	Auth bool
	// Cache: answers come from the fake upstream through the cache, so the
	// cache oracle applies.
	Cache bool
	// Drops lists query types the configuration answers with silence.
	Drops []uint16
}

// Configs are realistic configurations, chosen by the input's first byte:
// an authoritative server signing on the fly, a caching forwarder, a
// rewriting front end with templates and hosts entries, and an ACL-guarded
// resolver. The loop plugin is left out of the running servers: on port 0
// it probes ":0" for 30 s and never sees a loop; the Corefile target covers
// its setup.
var Configs = []Config{
	{
		Name: "auth-dnssec",
		Auth: true,
		Corefile: `example.org:0 {
	bind 127.0.0.1
	errors
	dnssec {
		key file {$DAEMONFUZZ_COREDNS_DIR}/` + keyBase + `
	}
	file {$DAEMONFUZZ_COREDNS_DIR}/db.example.org
}
`,
	},
	{
		Name:  "cache-forward",
		Cache: true,
		Corefile: `.:0 {
	bind 127.0.0.1
	errors
	cache 300 {
		success 1000 3600 30
		denial 1000 600 5
	}
	forward . {upstream} {
		max_fails 0
		expire 10s
	}
}
`,
	},
	{
		Name: "rewrite-template",
		Corefile: `.:0 {
	bind 127.0.0.1
	errors
	rewrite stop name regex (.*)\.example\.net\. {1}.example.org. answer auto
	rewrite name suffix .corp. .example.org. answer auto
	rewrite type ANY HINFO
	rewrite edns0 subnet set 24 56
	rewrite ttl regex (.*)\.tmpl\.example\.org\. 10-300
	template IN A tmpl.example.org {
		match "^(?P<a>[0-9]+)[.-](?P<b>[0-9]+)[.-](?P<c>[0-9]+)[.-](?P<d>[0-9]+)[.]tmpl[.]example[.]org[.]$"
		answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
		fallthrough
	}
	template IN TXT tmpl.example.org {
		answer "{{ .Name }} 60 IN TXT \"{{ .Type }} {{ .Class }} {{ .Message.Id }}\""
	}
	hosts {
		127.0.0.1 localhost.example.org
		::1 localhost.example.org
		fallthrough
	}
	file {$DAEMONFUZZ_COREDNS_DIR}/db.example.org example.org
}
`,
	},
	{
		Name:  "acl-hosts",
		Drops: []uint16{dns.TypeNULL},
		Corefile: `.:0 {
	bind 127.0.0.1
	errors
	acl {
		block type AXFR IXFR
		filter type ANY net 127.0.0.0/8
		drop type NULL
		allow net 127.0.0.1/32 ::1
		block
	}
	hosts {
		192.0.2.7 host.example.org
		2001:db8::7 host.example.org
		fallthrough
	}
	template ANY ANY {
		rcode NXDOMAIN
		authority "{{ .Zone }} 60 IN SOA ns.{{ .Zone }} hostmaster.{{ .Zone }} 1 7200 1800 86400 30"
	}
}
`,
	},
}
