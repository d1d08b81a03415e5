// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// takes a TTL, a $TTL or an SOA timer over 32 bits modulo 2^32 instead of
// rejecting it (RFC 1035 3.2.1 and 3.3.13: 32-bit unsigned integers):
// "4294967296" is read as 0, "10000000000" as 1410065408, "1W100000000000"
// (BIND's unit form) as whatever the wrapped sum is.
//
// It exits 1 when any of the zone lines below parses, 0 when every one is
// rejected.
package main

import (
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, zone := range []string{
		"a.example. 4294967296 IN A 192.0.2.1\n",
		"a.example. 10000000000 IN A 192.0.2.1\n",
		"$TTL 1W100000000000\na.example. IN A 192.0.2.1\n",
		"a.example. 60 IN SOA ns.example. host.example. 1 7000000000 3600 1209600 300\n",
	} {
		zp := dns.NewZoneParser(strings.NewReader(zone), "example.", "")
		rr, ok := zp.Next()
		if !ok {
			fmt.Printf("absent: %q rejected: %v\n", strings.TrimSpace(zone), zp.Err())
			continue
		}
		present = true
		fmt.Printf("present: %q parsed as %q\n", strings.TrimSpace(zone), rr.String())
	}
	if present {
		os.Exit(1)
	}
}
