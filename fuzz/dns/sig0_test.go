package dnsfuzz

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestSIG0SeedsVerify(t *testing.T) {
	for i, wire := range sig0Seeds() {
		k := sig0Keys()[i]
		if why := sig0Verify(k, wire); why != "" {
			t.Errorf("seed %d (algorithm %d): independent check: %s", i, k.key.Algorithm, why)
		}
		if err := SIG0(wire); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
		bad := append([]byte(nil), wire...)
		bad[len(bad)-1] ^= 1
		if why := sig0Verify(k, bad); why == "" {
			t.Errorf("seed %d: the independent check accepts a changed signature", i)
		}
	}
}

func TestSIG0VerifyOraclesFire(t *testing.T) {
	wire := sig0Seeds()[0]
	bad := append([]byte(nil), wire...)
	bad[len(bad)-1] ^= 1
	var m dns.Msg
	if err := m.Unpack(bad); err != nil {
		t.Fatal(err)
	}
	if err := verifyReceived(&m, bad); err != nil {
		t.Fatal(err)
	}
	swap(t, &sigVerify, func(*dns.SIG, *dns.KEY, []byte) error { return nil })
	wantViolation(t, verifyReceived(&m, bad), "differential", "SIG0.Verify")
	u := new(dns.Msg).SetUpdate("example.org.")
	a, _ := dns.NewRR("www.example.org. 300 IN A 192.0.2.1")
	u.Insert([]dns.RR{a})
	wantViolation(t, signAndCheck(sig0Keys()[3], u, 20), "sig0", "Tamper")
	swap(t, &sigVerify, func(*dns.SIG, *dns.KEY, []byte) error { return dns.ErrSig })
	wantViolation(t, signAndCheck(sig0Keys()[3], u, 20), "sig0", "Verify")
}

func TestUpdateOracleFires(t *testing.T) {
	u := new(dns.Msg).SetUpdate("example.org.")
	a, _ := dns.NewRR("www.example.org. 300 IN A 192.0.2.1")
	u.Insert([]dns.RR{dns.Copy(a)})
	if err := checkUpdateRR(updateOps[0], a, u.Ns[0], dns.ClassINET); err != nil {
		t.Fatal(err)
	}
	// Insert's record checked as if Remove (2.5.4: class NONE) had added it.
	wantViolation(t, checkUpdateRR(updateOps[3], a, u.Ns[0], dns.ClassINET), "update", "Remove.Class")
}

// TestSIG0AdcountBug shows the known bug sig0AdcountBug tolerates, with
// miekg/dns alone: a message signed by SIG.Sign with 256 additional
// records does not verify with SIG.Verify (255 do).
func TestSIG0AdcountBug(t *testing.T) {
	k := sig0Keys()[3]
	signed := func(n int) (*dns.Msg, []byte) {
		u := new(dns.Msg).SetUpdate("example.org.")
		for i := 0; i < n; i++ {
			rr, _ := dns.NewRR(fmt.Sprintf("h%d.example.org. 300 IN A 192.0.2.1", i))
			u.Extra = append(u.Extra, rr)
		}
		now := uint32(time.Now().Unix())
		sig := &dns.SIG{RRSIG: dns.RRSIG{KeyTag: k.key.KeyTag(), SignerName: k.key.Hdr.Name, Algorithm: k.key.Algorithm, Inception: now - 300, Expiration: now + 300}}
		wire, err := sig.Sign(k.priv, u)
		if err != nil {
			t.Fatal(err)
		}
		var m dns.Msg
		if err := m.Unpack(wire); err != nil {
			t.Fatal(err)
		}
		return &m, wire
	}
	m, wire := signed(255)
	if err := m.Extra[len(m.Extra)-1].(*dns.SIG).Verify(k.key, wire); err != nil {
		t.Fatalf("255 additional records: %v", err)
	}
	m, wire = signed(256)
	err := m.Extra[len(m.Extra)-1].(*dns.SIG).Verify(k.key, wire)
	if err == nil {
		t.Skip("SIG.Verify verifies a message with 256 additional records now: fixed")
	}
	if !errors.Is(err, dns.ErrSig) {
		t.Fatalf("256 additional records: %v, want ErrSig", err)
	}
	t.Logf("known miekg/dns bug: SIG(0) over 256 additional records: Verify = %v", err)
	if why := sig0Verify(k, wire); why != "" {
		t.Fatalf("the independent check rejects it too: %s", why)
	}
	u := m.Copy()
	u.Extra = u.Extra[:len(u.Extra)-1]
	if err := signAndCheck(k, u, 0); err != nil {
		t.Fatalf("known bug not tolerated: %v", err)
	}
	swap(t, &sig0Strict, func() bool { return true })
	wantViolation(t, signAndCheck(k, u, 0), "sig0", "Verify.Adcount")
}
