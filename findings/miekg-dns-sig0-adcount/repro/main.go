// Command repro shows that github.com/miekg/dns's SIG.Verify rejects a
// SIG(0) signature SIG.Sign made when the message had 256 or more records
// in its additional section: Verify hashes byte((adc-1)<<8), always 0, as
// the high octet of the additional count instead of byte((adc-1)>>8).
//
// Exit status 1 and the evidence when a freshly signed message with 256
// additional records does not verify, 0 when it does.
package main

import (
	"crypto"
	"fmt"
	"os"
	"time"

	"github.com/miekg/dns"
)

// A KEY and its private key made with dnssec-keygen -T KEY -n HOST -a ED25519.
const (
	public  = "sig0.example.org. IN KEY 512 3 15 Nf7CVIc7hG063dNq2KGqUkpO7gyEGFAgP7+LOkBWC3o="
	private = "Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\nPrivateKey: AdjrKJD5thWuuVQbDjCgBGULVbIJbMAzgf5ZMIOFCxg=\n"
)

func main() {
	rr, err := dns.NewRR(public)
	if err != nil {
		panic(err)
	}
	key := rr.(*dns.KEY)
	priv, err := key.NewPrivateKey(private)
	if err != nil {
		panic(err)
	}
	present := false
	for _, n := range []int{255, 256} {
		u := new(dns.Msg).SetUpdate("example.org.")
		for i := 0; i < n; i++ {
			a, _ := dns.NewRR(fmt.Sprintf("h%d.example.org. 300 IN A 192.0.2.1", i))
			u.Extra = append(u.Extra, a)
		}
		now := uint32(time.Now().Unix())
		sig := &dns.SIG{RRSIG: dns.RRSIG{KeyTag: key.KeyTag(), SignerName: key.Hdr.Name, Algorithm: key.Algorithm, Inception: now - 300, Expiration: now + 300}}
		wire, err := sig.Sign(priv.(crypto.Signer), u)
		if err != nil {
			panic(err)
		}
		var m dns.Msg
		if err := m.Unpack(wire); err != nil {
			panic(err)
		}
		err = m.Extra[len(m.Extra)-1].(*dns.SIG).Verify(key, wire)
		fmt.Printf("SIG(0) over an UPDATE with %d additional records: Verify = %v\n", n, err)
		if err != nil {
			present = true
		}
	}
	if present {
		fmt.Println("present: SIG.Verify rejects a signature SIG.Sign made")
		os.Exit(1)
	}
}
