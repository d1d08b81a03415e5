// Command repro shows that CoreDNS's cache plugin makes the server send no
// reply at all to a client without EDNS when the upstream answers with an
// extended RCODE (here BADCOOKIE, 23): the cache strips the OPT record that
// carries the RCODE's upper bits, so packing the reply fails. Without the
// cache plugin, or for a client with EDNS, the same answer is relayed.
//
// Exit status 1 and "present" when the bug is there, 0 and "absent" when not.
package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/coredns/caddy"
	_ "github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/forward"
	"github.com/miekg/dns"
)

func main() {
	// An upstream on loopback that answers every query with BADCOOKIE, as
	// RFC 7873 5.2.3 has a server do for a bad client cookie.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var q dns.Msg
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			r := new(dns.Msg)
			r.SetReply(&q)
			r.SetEdns0(1232, false)
			r.Rcode = dns.RcodeBadCookie
			b, err := r.Pack()
			if err != nil {
				fail(err)
			}
			pc.WriteTo(b, from)
		}
	}()

	caddy.Quiet = true
	start := func(corefile string) (string, *caddy.Instance) {
		inst, err := caddy.Start(caddy.CaddyfileInput{Filepath: "Corefile", Contents: []byte(corefile), ServerTypeName: "dns"})
		if err != nil {
			fail(err)
		}
		return inst.Servers()[0].LocalAddr().String(), inst
	}
	withCache, _ := start(fmt.Sprintf(".:0 {\n\tbind 127.0.0.1\n\tcache\n\tforward . %s\n}\n", pc.LocalAddr()))
	withoutCache, _ := start(fmt.Sprintf(".:0 {\n\tbind 127.0.0.1\n\tforward . %s\n}\n", pc.LocalAddr()))

	ask := func(addr string, edns bool) string {
		q := new(dns.Msg)
		q.SetQuestion("example.com.", dns.TypeA)
		if edns {
			q.SetEdns0(1232, false)
		}
		c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
		r, _, err := c.Exchange(q, addr)
		if err != nil {
			return "no reply (" + err.Error() + ")"
		}
		return dns.RcodeToString[r.Rcode]
	}
	fmt.Println("forward only, client without EDNS:", ask(withoutCache, false))
	fmt.Println("cache+forward, client with EDNS:  ", ask(withCache, true))
	got := ask(withCache, false)
	fmt.Println("cache+forward, client without EDNS:", got)
	if _, ok := dns.StringToRcode[got]; !ok {
		fmt.Println("present: CoreDNS with the cache plugin did not answer a client without EDNS")
		os.Exit(1)
	}
	fmt.Println("absent: CoreDNS answered the client without EDNS with", got)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "repro:", err)
	os.Exit(2)
}
