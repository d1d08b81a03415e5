// Command repro shows that github.com/miekg/dns packs domain names longer
// than the 255-octet limit of RFC 1035 section 2.3.4 instead of returning
// ErrLongDomain: the message it writes does not unpack, and RRSIG.Sign (and
// Verify) on an RRset with such an owner panics in wireSlice.Less.
//
// Exit status 1 and the evidence when the bug is present, 0 when packing
// refuses the name.
package main

import (
	"crypto"
	"fmt"
	"os"
	"strings"

	"github.com/miekg/dns"
)

// owner is 4 labels of 63 octets under "example.": 265 octets on the wire.
var owner = strings.Repeat(strings.Repeat("a", 63)+".", 4) + "example."

func main() {
	present := false

	a := &dns.A{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 3600}, A: []byte{192, 0, 2, 1}}
	m := new(dns.Msg)
	m.Answer = []dns.RR{a}
	wire, err := m.Pack()
	switch {
	case err != nil:
		fmt.Printf("absent: Msg.Pack refused a %d-octet owner name: %v\n", len(owner)+1, err)
	default:
		uerr := new(dns.Msg).Unpack(wire)
		fmt.Printf("present: Msg.Pack packed a %d-octet owner name; unpacking the result: %v\n", len(owner)+1, uerr)
		present = true
	}

	// TSIG: the signer accepts the message, the verifier cannot parse it.
	t := new(dns.Msg)
	t.SetQuestion(owner, dns.TypeA)
	t.SetTsig("key.", dns.HmacSHA256, 300, 1700000000)
	secret := "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
	if signed, _, err := dns.TsigGenerate(t, secret, "", false); err != nil {
		fmt.Printf("absent: TsigGenerate refused the message: %v\n", err)
	} else {
		fmt.Printf("present: TsigGenerate signed the message; TsigVerify on it: %v\n", dns.TsigVerify(signed, secret, "", false))
		present = true
	}

	if r := sign(a); r != nil {
		fmt.Printf("present: RRSIG.Sign on a 2-record RRset with that owner panicked: %v\n", r)
		present = true
	} else {
		fmt.Println("absent: RRSIG.Sign on a 2-record RRset with that owner did not panic")
	}
	if present {
		os.Exit(1)
	}
}

// sign signs {a, a'} and returns what Sign panicked with, or nil.
func sign(a *dns.A) (panicked any) {
	key := &dns.DNSKEY{
		Hdr:       dns.RR_Header{Name: "example.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags:     dns.ZONE,
		Protocol:  3,
		Algorithm: dns.ECDSAP256SHA256,
	}
	priv, err := key.Generate(256)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	b := dns.Copy(a).(*dns.A)
	b.A = []byte{192, 0, 2, 2}
	sig := &dns.RRSIG{
		Hdr:         dns.RR_Header{Name: owner, Rrtype: dns.TypeRRSIG, Class: dns.ClassINET, Ttl: 3600},
		TypeCovered: dns.TypeA,
		Algorithm:   key.Algorithm,
		Labels:      uint8(dns.CountLabel(owner)),
		OrigTtl:     3600,
		Expiration:  2000000000,
		Inception:   1000000000,
		KeyTag:      key.KeyTag(),
		SignerName:  "example.",
	}
	defer func() { panicked = recover() }()
	err = sig.Sign(priv.(crypto.Signer), []dns.RR{a, b})
	fmt.Printf("RRSIG.Sign returned %v\n", err)
	return nil
}
