// Command repro shows that github.com/miekg/dns's DNSKEY.ReadPrivateKey
// returns, without error, an RSA key read from a file that lacks its
// primes (and an Ed25519 key from a file without PrivateKey), and that
// DNSKEY.PrivateKeyString panics on the key it returned.
//
// Exit status 1 and the evidence when ReadPrivateKey accepts such a file,
// 0 when it rejects both.
package main

import (
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	present := false
	for _, c := range []struct{ dnskey, file string }{
		{"example.org. IN DNSKEY 256 3 8 AwEAAanNq39kMREmrm1U+z8pruQ5oS00YyNQ3Ex9vx2xQBBKmrhK0L/kKxxflVJpVXbgNWFmS7GU6UF8sAweuxgTw0oMM/lXb0Hfed7DHW+QxFsWCpWdTCDyl5oDYEdb4Kyh22SPFxQrE4qYUtIt89/FM8hVyI2qzdMEopXc0EyuHmmv",
			"Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\nPrivateExponent: AQAB\n"},
		{"example.org. IN DNSKEY 256 3 15 H6rLA/AtrhDkI5YVFhBVlD57Tn6wlqMSlGOYbn39kAM=",
			"Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\n"},
	} {
		rr, err := dns.NewRR(c.dnskey)
		if err != nil {
			panic(err)
		}
		k := rr.(*dns.DNSKEY)
		key, err := k.NewPrivateKey(c.file)
		if err != nil {
			fmt.Printf("algorithm %d: %q rejected: %v\n", k.Algorithm, c.file, err)
			continue
		}
		present = true
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("algorithm %d: %q read as %T without error; PrivateKeyString panics: %v\n", k.Algorithm, c.file, key, r)
				}
			}()
			fmt.Printf("algorithm %d: %q read as %T without error; PrivateKeyString: %q\n", k.Algorithm, c.file, key, k.PrivateKeyString(key))
		}()
	}
	if present {
		fmt.Println("present: ReadPrivateKey accepts incomplete private-key files")
		os.Exit(1)
	}
}
