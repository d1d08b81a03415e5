package dnsfuzz

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestClientConfigFiresOnALongLine: a line over bufio.Scanner's 64 KiB
// limit ends ClientConfigFromReader's loop silently (it checks
// scanner.Err inside the loop, never after it): the servers after it are
// lost and no error is returned. The independent reader sees them.
func TestClientConfigFiresOnALongLine(t *testing.T) {
	in := "nameserver 192.0.2.1\n#" + strings.Repeat("x", 70000) + "\nnameserver 192.0.2.2\n"
	err := ClientConfig([]byte(in))
	if err == nil {
		t.Skip("miekg/dns reads past a line over 64 KiB now: fixed")
	}
	wantViolation(t, err, "clientconfig", "len(ClientConfig.servers)")
}

func TestClientConfigAgreesOnSystemdStub(t *testing.T) {
	if err := ClientConfig([]byte("nameserver 127.0.0.53\noptions edns0 trust-ad ndots:2\nsearch .\n")); err != nil {
		t.Fatal(err)
	}
}

// TestNameListRootSearch shows the known bug rootSearchBug tolerates,
// with miekg/dns alone, and that the invariant sees it otherwise.
func TestNameListRootSearch(t *testing.T) {
	c := &dns.ClientConfig{Search: []string{"."}, Ndots: 1}
	list := c.NameList("host")
	if _, ok := dns.IsDomainName(list[0]); ok {
		t.Skipf("NameList with search %q = %q now: fixed", c.Search, list)
	}
	t.Logf("known miekg/dns bug: NameList(%q) with search %q = %q", "host", c.Search, list)
	if err := checkNameList(c, "host"); err != nil {
		t.Fatalf("known bug not tolerated: %v", err)
	}
	swap(t, &clientConfigStrict, func() bool { return true })
	wantViolation(t, checkNameList(c, "host"), "invariant", "NameList.Valid")
}

func TestNameListInvariants(t *testing.T) {
	c := &dns.ClientConfig{Search: []string{"a.example", "b.example"}, Ndots: 1}
	for _, n := range []string{"host", "x.y", "abs."} {
		if err := checkNameList(c, n); err != nil {
			t.Fatal(err)
		}
	}
	// A reader that disagrees on ndots: the agreement oracle fires.
	if got, want := readResolvConf("options ndots:20\n").ndots, 15; got != want {
		t.Fatalf("readResolvConf ndots:20 = %d, want %d", got, want)
	}
}
