package upstream

import (
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/cache"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/forward"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fuzz"
	"github.com/coredns/coredns/plugin/pkg/proxy"
	"github.com/coredns/coredns/plugin/test"
	"github.com/miekg/dns"
)

// FuzzCache is plugin/cache/fuzz.go.
func FuzzCache(f *testing.F) {
	c := cache.New()
	f.Fuzz(func(t *testing.T, data []byte) { fuzz.Do(c, data) })
}

// FuzzFile is plugin/file/fuzz.go.
func FuzzFile(f *testing.F) {
	name := "miek.nl."
	zone, _ := file.Parse(strings.NewReader(fuzzMiekNL), name, "stdin", 0)
	h := file.File{Next: test.ErrorHandler(), Zones: file.Zones{Z: map[string]*file.Zone{name: zone}, Names: []string{name}}}
	f.Fuzz(func(t *testing.T, data []byte) { fuzz.Do(h, data) })
}

// FuzzForward is plugin/forward/fuzz.go: a forwarder to a loopback server
// that reflects every query.
func FuzzForward(f *testing.F) {
	fw := forward.New()
	s := dnstest.NewServer(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		w.WriteMsg(m)
	})
	f.Cleanup(s.Close)
	fw.SetProxy(proxy.NewProxy("FuzzForwardPlugin1", s.Addr, "tcp"))
	fw.SetProxy(proxy.NewProxy("FuzzForwardPlugin2", s.Addr, "udp"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzz.Do(fw, data) })
}

const fuzzMiekNL = `
$TTL    30M
$ORIGIN miek.nl.
@       IN      SOA     linode.atoom.net. miek.miek.nl. (
                             1282630057 ; Serial
                             4H         ; Refresh
                             1H         ; Retry
                             7D         ; Expire
                             4H )       ; Negative Cache TTL
                IN      NS      linode.atoom.net.
                IN      NS      ns-ext.nlnetlabs.nl.
                IN      NS      omval.tednet.nl.
                IN      NS      ext.ns.whyscream.net.

                IN      MX      1  aspmx.l.google.com.
                IN      MX      5  alt1.aspmx.l.google.com.
                IN      MX      5  alt2.aspmx.l.google.com.
                IN      MX      10 aspmx2.googlemail.com.
                IN      MX      10 aspmx3.googlemail.com.

		IN      A       139.162.196.78
		IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735

a               IN      A       139.162.196.78
                IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735
www             IN      CNAME   a
archive         IN      CNAME   a

srv		IN	SRV     10 10 8080 a.miek.nl.
mx		IN	MX      10 a.miek.nl.`
