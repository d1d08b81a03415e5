package dhcpfuzz

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv6"
)

func ex6Script(steps ...[3]byte) []byte {
	var b []byte
	for _, s := range steps {
		b = append(b, s[:]...)
	}
	return b
}

// TestExchange6Leases: the scripts reach leases (an exchange that never
// got a REPLY would check nothing), through relays and with prefixes.
func TestExchange6Leases(t *testing.T) {
	cl, err := runExchange6(ex6Script([3]byte{ExSolicit6, 0, 1 | 2<<2}, [3]byte{ExRequest6, 0, 0}, [3]byte{ExRenew6, 0, 0},
		[3]byte{ExSolicit6, 1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	ip, pfx := leased6(cl[0].reply)
	if !cl[0].freshRp || !inPool6(ip) || pfx == nil {
		t.Fatalf("client 0 through two relays: fresh %v, lease %v %v", cl[0].freshRp, ip, pfx)
	}
	if ip1, _ := leased6(cl[1].reply); !cl[1].freshRp || ip1 == nil || ip1.Equal(ip) {
		t.Fatalf("client 1 by rapid commit: fresh %v, lease %v (client 0 holds %v)", cl[1].freshRp, ip1, ip)
	}
}

func TestExchange6Oracles(t *testing.T) {
	cl, err := runExchange6(ex6Script([3]byte{ExSolicit6, 0, 1}, [3]byte{ExRequest6, 0, 0}, [3]byte{ExSolicit6, 1, 1}, [3]byte{ExRequest6, 1, 0}))
	if err != nil {
		t.Fatal(err)
	}
	a, b := cl[0], cl[1]
	renew, _ := ex6FromReply(a.reply, ExRenew6)
	// No REPLY to the RENEW of a fresh lease.
	wantViolation(t, ex6Advance(&cl, &a, ExRenew6, 0, renew, nil), "invariant", "Exchange6.Reply")
	// A REPLY with another address.
	wantViolation(t, ex6Advance(&cl, &a, ExRenew6, 0, renew, b.reply), "invariant", "Exchange6.Reply.Lease")
	// Client 0's lease granted to a third client while 0 holds it.
	c := ex6Client{}
	wantViolation(t, ex6Advance(&cl, &c, ExSolicit6, 2, renew, a.reply), "invariant", "Exchange6.Reply.Lease")

	// The round trip: a wire form the server parses differently, or not at all.
	defer func(w func(dhcpv6.DHCPv6) []byte) { ex6Wire = w }(ex6Wire)
	ex6Wire = func(m dhcpv6.DHCPv6) []byte {
		b := m.ToBytes()
		b[1] ^= 0xff // transaction id
		return b
	}
	_, err = runExchange6(ex6Script([3]byte{ExSolicit6, 0, 0}))
	wantViolation(t, err, "roundtrip", "Exchange6.Message")
	ex6Wire = func(dhcpv6.DHCPv6) []byte { return []byte{1} }
	_, err = runExchange6(ex6Script([3]byte{ExSolicit6, 0, 0}))
	wantViolation(t, err, "roundtrip", "Exchange6.FromBytes")
}
