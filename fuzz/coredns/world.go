package corednsfuzz

import (
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/coredns/caddy"
	"github.com/miekg/dns"
)

// Zone is the authoritative zone the "auth" and "rewrite" configurations
// serve from a file, as an operator would write it: apex records, a
// delegation with glue, a CNAME, a wildcard, an empty non-terminal
// (b.deep.example.org exists, deep.example.org has no records).
const Zone = `$ORIGIN example.org.
$TTL 3600
@        IN SOA   ns1.example.org. hostmaster.example.org. 2026120201 7200 3600 1209600 300
@        IN NS    ns1.example.org.
@        IN NS    ns2.example.org.
@        IN MX    10 mail.example.org.
@        IN TXT   "v=spf1 mx -all"
@        IN CAA   0 issue "letsencrypt.org"
ns1      IN A     192.0.2.1
ns2      IN AAAA  2001:db8::2
mail     IN A     192.0.2.25
www      IN CNAME web.example.org.
web      IN A     192.0.2.80
web      IN AAAA  2001:db8::80
web      IN HTTPS 1 . alpn="h2,h3" ipv4hint=192.0.2.80
_sip._udp IN SRV  10 60 5060 sip.example.org.
sip      IN A     192.0.2.50
*.wild   IN A     192.0.2.99
b.deep   IN TXT   "empty non-terminal above"
sub      IN NS    ns.sub.example.org.
ns.sub   IN A     192.0.2.53
`

// ZoneOrigin is Zone's apex.
const ZoneOrigin = "example.org."

// world is the process-wide state the targets share: a scratch directory
// with the zone and the signing key, the fake upstream, and one running
// CoreDNS instance per configuration. Servers are started once per process
// and reused for every input, as a daemon is.
type world struct {
	dir      string
	key      *dns.DNSKEY
	zone     *zoneIndex
	upstream *upstream
	servers  []*server
}

type server struct {
	cfg     Config
	inst    *caddy.Instance
	udp     string
	tcp     string
	stopped bool
}

// stop stops the server once: after a query has been answered on each of
// its listeners, since dnsserver.Server.Stop skips a listener whose Serve
// goroutine has not registered yet, which then serves forever.
func (s *server) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	probe("udp", s.udp)
	probe("tcp", s.tcp)
	s.inst.ShutdownCallbacks()
	s.inst.Stop()
	s.inst.Wait()
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
)

// getWorld starts everything on first use. A setup failure is the harness's
// fault, never the input's, so it panics with the reason.
func getWorld() *world {
	worldOnce.Do(func() { theWorld, worldErr = newWorld() })
	if worldErr != nil {
		panic("corednsfuzz: setup: " + worldErr.Error())
	}
	return theWorld
}

// DirEnv names the environment variable that Corefiles use for the scratch
// directory holding the zone file and the key ({$DAEMONFUZZ_COREDNS_DIR}).
const DirEnv = "DAEMONFUZZ_COREDNS_DIR"

func newWorld() (*world, error) {
	register()
	dir, err := os.MkdirTemp("", "daemonfuzz-coredns-")
	if err != nil {
		return nil, err
	}
	w := &world{dir: dir}
	if err := os.WriteFile(filepath.Join(dir, "db.example.org"), []byte(Zone), 0o644); err != nil {
		return nil, err
	}
	if w.key, err = writeKey(dir); err != nil {
		return nil, err
	}
	if w.zone, err = indexZone(Zone); err != nil {
		return nil, fmt.Errorf("reading the zone with miekg/dns: %w", err)
	}
	os.Setenv(DirEnv, dir)
	if w.upstream, err = startUpstream(); err != nil {
		return nil, fmt.Errorf("fake upstream: %w", err)
	}
	for _, c := range Configs {
		s, err := startServer(c, w)
		if err != nil {
			return nil, fmt.Errorf("configuration %q: %w", c.Name, err)
		}
		w.servers = append(w.servers, s)
	}
	return w, nil
}

// keyBase is the key's file name without extension, as `dnssec { key file }`
// takes it.
const keyBase = "Kexample.org.+013+fuzz"

// writeKey makes an ECDSA P-256 zone signing key and writes it in BIND's
// .key/.private form, which the dnssec plugin reads.
func writeKey(dir string) (*dns.DNSKEY, error) {
	k := &dns.DNSKEY{
		Hdr:       dns.RR_Header{Name: ZoneOrigin, Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags:     257,
		Protocol:  3,
		Algorithm: dns.ECDSAP256SHA256,
	}
	priv, err := k.Generate(256)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, keyBase)
	if err := os.WriteFile(base+".key", []byte(k.String()+"\n"), 0o644); err != nil {
		return nil, err
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("generated key is a %T, not a crypto.Signer", priv)
	}
	if err := os.WriteFile(base+".private", []byte(k.PrivateKeyString(signer)), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// startServer starts c's Corefile, listening on 127.0.0.1 on a port the
// kernel picks, and returns its UDP and TCP addresses.
func startServer(c Config, w *world) (*server, error) {
	corefile := c.Corefile
	corefile = strings.ReplaceAll(corefile, "{upstream}", w.upstream.addr)
	inst, err := caddy.Start(caddy.CaddyfileInput{Filepath: "Corefile", Contents: []byte(corefile), ServerTypeName: "dns"})
	if err != nil {
		return nil, err
	}
	srvs := inst.Servers()
	if len(srvs) == 0 || srvs[0].LocalAddr() == nil || srvs[0].Addr() == nil {
		inst.Stop()
		return nil, fmt.Errorf("no UDP and TCP listener")
	}
	return &server{cfg: c, inst: inst, udp: srvs[0].LocalAddr().String(), tcp: srvs[0].Addr().String()}, nil
}

// probe asks addr one question and waits for any reply, so that the
// listener is known to be served.
func probe(network, addr string) {
	m := new(dns.Msg)
	m.SetQuestion("probe.daemonfuzz.invalid.", dns.TypeA)
	c := &dns.Client{Net: network, Timeout: replyWait}
	c.Exchange(m, addr)
}
