package dnsfuzz

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// ClientConfig reads data as a resolv.conf with dns.ClientConfigFromReader,
// the parser a Go resolver or forwarder built on miekg/dns reads its
// upstream servers with, and checks:
//
//   - agreement (oracle "clientconfig"): the servers, search list, ndots,
//     timeout and attempts equal those of an independent reader of the same
//     text (readResolvConf: resolv.conf(5)'s keywords, every line of the
//     file read whole, the last domain or search line winning, ndots
//     clamped to 0..15, timeout and attempts to at least 1);
//   - invariants of NameList (oracle "invariant"): for a relative name it
//     returns the name itself, fully qualified, exactly once, plus one
//     candidate per search domain, every one fully qualified; the name
//     alone comes first when it has more than ndots labels, last otherwise;
//     an absolute name is returned alone; every candidate is a valid
//     domain name when the name is.
//
// Known differences from glibc, by design of miekg/dns and not checked:
// numbers are read with strconv.Atoi ("ndots:3x" is 0, glibc's atoi reads
// 3), and timeout and attempts are not capped at 30 and 5.
func ClientConfig(data []byte) error {
	c, err := dns.ClientConfigFromReader(bytes.NewReader(data))
	if err != nil {
		return nil // a read error of the reader itself; bytes.Reader has none
	}
	want := readResolvConf(string(data))
	got := resolvConf{servers: c.Servers, search: c.Search, ndots: c.Ndots, timeout: c.Timeout, attempts: c.Attempts}
	if path, d, ok := firstDiff("ClientConfig", want, got); !ok {
		return harness.Violated("clientconfig", path, "independent reader %s, miekg/dns %s", d, c.Port)
	}
	for _, name := range []string{"host", "a.b", "a.b.c.d.e", "x."} {
		if err := checkNameList(c, name); err != nil {
			return err
		}
	}
	if len(c.Search) > 0 {
		return checkNameList(c, c.Search[0])
	}
	return nil
}

// rootSearchBug is the known miekg/dns v1.1.73 bug behind candidate i of
// NameList(name): with the search domain "." (systemd-resolved's
// stub-resolv.conf writes "search ."), NameList appends "." to the
// already qualified name and returns "host..", which no query can carry
// (Pack: "dns: bad rdata"). Tolerated unless harness.Strict, so fuzzing
// goes on past it; TestNameListRootSearch shows it.
func rootSearchBug(c *dns.ClientConfig, i int, name string) bool {
	if clientConfigStrict() {
		return false
	}
	k := searchIndex(c, i, name)
	return k >= 0 && c.Search[k] == "."
}

// clientConfigStrict is harness.Strict; oracle tests turn it on.
var clientConfigStrict = harness.Strict

// searchIndex is the index of the search domain candidate i of
// NameList(name) came from, or -1 for the name itself.
func searchIndex(c *dns.ClientConfig, i int, name string) int {
	k := i
	if dns.CountLabel(name) > c.Ndots {
		k = i - 1
	}
	if k < 0 || k >= len(c.Search) {
		return -1
	}
	return k
}

// validInputs reports whether candidate i of NameList(name) is built from
// a valid name and a valid search domain short enough to fit beside it,
// so that it must be valid itself: NameList does not check what
// resolv.conf gave it, nor should it.
func validInputs(c *dns.ClientConfig, i int, name string) bool {
	if _, ok := dns.IsDomainName(dns.Fqdn(name)); !ok || !dns.IsFqdn(dns.Fqdn(name)) {
		return false // a name ending in a backslash: Fqdn cannot qualify it
	}
	k := searchIndex(c, i, name)
	if k < 0 {
		return true
	}
	_, ok := dns.IsDomainName(c.Search[k])
	return ok && dns.IsFqdn(dns.Fqdn(c.Search[k])) && len(name)+len(c.Search[k]) < 250
}

// resolvConf is what both readers report.
type resolvConf struct {
	servers, search          []string
	ndots, timeout, attempts int
}

// readResolvConf reads resolv.conf text line by line (a line ends at \n;
// a trailing \r is blank space), independently of bufio.Scanner.
func readResolvConf(text string) resolvConf {
	c := resolvConf{servers: []string{}, search: []string{}, ndots: 1, timeout: 5, attempts: 2}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if len(f) > 1 {
				c.servers = append(c.servers, f[1])
			}
		case "domain":
			c.search = []string{}
			if len(f) > 1 {
				c.search = []string{f[1]}
			}
		case "search":
			c.search = slices.Clone(f[1:])
		case "options":
			for _, o := range f[1:] {
				key, val, _ := strings.Cut(o, ":")
				n, _ := strconv.Atoi(val)
				switch {
				case key == "ndots" && strings.HasPrefix(o, "ndots:"):
					c.ndots = min(max(n, 0), 15)
				case key == "timeout" && strings.HasPrefix(o, "timeout:"):
					c.timeout = max(n, 1)
				case key == "attempts" && strings.HasPrefix(o, "attempts:"):
					c.attempts = max(n, 1)
				}
			}
		}
	}
	return c
}

func checkNameList(c *dns.ClientConfig, name string) error {
	list := c.NameList(name)
	field := fmt.Sprintf("NameList(%q)", name)
	if dns.IsFqdn(name) {
		if len(list) != 1 || list[0] != name {
			return harness.Violated("invariant", "NameList.Absolute", "%s = %q, want the name alone", field, list)
		}
		return nil
	}
	if len(list) != len(c.Search)+1 {
		return harness.Violated("invariant", "NameList.Len", "%s = %q for %d search domains", field, list, len(c.Search))
	}
	self := dns.Fqdn(name)
	at := -1
	for i, n := range list {
		if !dns.IsFqdn(n) && validInputs(c, i, name) {
			return harness.Violated("invariant", "NameList.Fqdn", "%s[%d] = %q is not fully qualified", field, i, n)
		}
		if _, ok := dns.IsDomainName(n); !ok && validInputs(c, i, name) && !rootSearchBug(c, i, name) {
			return harness.Violated("invariant", "NameList.Valid", "%s[%d] = %q is not a domain name (search %q)", field, i, n, c.Search)
		}
		if n == self && at < 0 {
			at = i
		}
	}
	wantAt := len(list) - 1
	if dns.CountLabel(name) > c.Ndots {
		wantAt = 0
	}
	if at != wantAt && !(at >= 0 && list[wantAt] == self) {
		return harness.Violated("invariant", "NameList.Order", "%s = %q: the name itself at %d, want %d (ndots %d)", field, list, at, wantAt, c.Ndots)
	}
	return nil
}
