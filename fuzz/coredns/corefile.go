package corednsfuzz

import (
	"bytes"
	"net"
	"net/netip"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/caddy/caddyfile"
)

// Corefile fuzzes CoreDNS's configuration path: the Caddyfile parser and the
// setup function of every imported plugin, by starting a server from the
// input and stopping it again. A Corefile that fails to load is fine (it
// must fail with an error, not a panic or a hang); one that loads must stop
// cleanly.
//
// The input is confined to this machine before it is started (safe): every
// server listens on port 0, binds only loopback addresses, forwards only to
// loopback addresses, and imports no files; loop is refused (on port 0 it
// probes ":0" for 30 s), and reads no device or kernel files (/dev/zero as
// a zone file is an operator's mistake, not a bug). Inputs outside that are
// skipped, not failed.
func Corefile(data []byte) error {
	if !safe(data) {
		return nil
	}
	getWorld() // registers the plugins and writes the zone and key files
	inst, err := caddy.Start(caddy.CaddyfileInput{Filepath: "Corefile", Contents: data, ServerTypeName: "dns"})
	if err != nil {
		return nil
	}
	// Stop skips a listener whose Serve goroutine has not registered its
	// dns.Server yet, which then serves forever (dnsserver.Server.Stop: "We
	// might not have started and initialized the full set of servers").
	// A daemon is not stopped within microseconds of starting, so wait until
	// every listener has answered a query before stopping.
	for _, s := range inst.Servers() {
		if pc := s.LocalAddr(); pc != nil {
			probe("udp", pc.String())
		}
		if ln := s.Addr(); ln != nil {
			probe("tcp", ln.String())
		}
	}
	inst.ShutdownCallbacks()
	inst.Stop()
	inst.Wait()
	return nil
}

// safe reports whether a Corefile stays on loopback (see Corefile).
func safe(data []byte) bool {
	for _, bad := range []string{"import", "loop", "/dev", "/proc", "/sys"} {
		if bytes.Contains(data, []byte(bad)) {
			return false
		}
	}
	blocks, err := caddyfile.Parse("Corefile", bytes.NewReader(data), Directives)
	if err != nil {
		return false
	}
	for _, b := range blocks {
		for _, k := range b.Keys {
			if !strings.HasSuffix(k, ":0") {
				return false
			}
		}
		for dir, toks := range b.Tokens {
			switch dir {
			case "bind":
				for _, t := range toks {
					if t.Text != "bind" && !loopbackToken(t.Text) {
						return false
					}
				}
			case "forward":
				if !forwardsToLoopback(toks) {
					return false
				}
			}
		}
	}
	return true
}

// forwardsToLoopback checks the destinations of every forward line: the
// tokens after "forward FROM" on the same line, up to a block.
func forwardsToLoopback(toks []caddyfile.Token) bool {
	for i := 0; i < len(toks); i++ {
		if toks[i].Text != "forward" {
			continue
		}
		line := toks[i].Line
		j := i + 2 // skip FROM
		if j > len(toks) {
			return false
		}
		for ; j < len(toks) && toks[j].Line == line && toks[j].Text != "{"; j++ {
			if !loopbackToken(toks[j].Text) {
				return false
			}
		}
	}
	return true
}

// loopbackToken accepts an address token (with an optional transport scheme
// and port) whose host is a loopback IP address.
func loopbackToken(s string) bool {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	s = strings.Trim(s, "[]")
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.IsLoopback()
}
