// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// accepts an IPv6 address with a zone ("fe80::1%eth0", RFC 4007 11) in
// zone text where RFC 3596 2.4 (AAAA), RFC 9460 7.3 (SVCB/HTTPS ipv6hint)
// and DELEG's server-ipv6 want an RFC 4291 address, which has none: the
// zone parsers use netip.ParseAddr, which allows zones. The record prints
// the zone back but packs the 16 octets without it.
//
// It exits 1 when any line below is accepted, 0 when all are rejected.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, s := range []string{
		"a.example. 3600 IN AAAA fe80::1%eth0",
		"a.example. 3600 IN HTTPS 1 . ipv6hint=fe80::1%eth0",
		"a.example. 3600 IN DELEG server-ipv6=fe80::1%eth0",
	} {
		rr, err := dns.New(s)
		if err != nil {
			fmt.Printf("absent: %q rejected: %v\n", s, err)
			continue
		}
		present = true
		fmt.Printf("present: %q parsed as %q\n", s, rr.String())
	}
	if present {
		os.Exit(1)
	}
}
