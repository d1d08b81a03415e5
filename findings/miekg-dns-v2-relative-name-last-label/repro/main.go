// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// accepts a relative domain name whose last label is longer than 63
// octets (RFC 1035 2.3.4: "labels 63 octets or less"): dnsutil.IsName
// checks a label's length only when a dot ends it, and the zone parser
// checks names with it. The record it returns holds a name v2's own Pack
// refuses.
//
// It exits 1 when IsName accepts the 64-octet relative name, or when the
// zone parser returns a record for any of the lines below; 0 when both
// reject.
package main

import (
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/dnsutil"
)

func main() {
	long := strings.Repeat("y", 64)
	present := false
	if dnsutil.IsName(long) {
		fmt.Printf("present: dnsutil.IsName accepts a 64-octet label without a trailing dot; with one it says %v\n", dnsutil.IsName(long+"."))
		present = true
	} else {
		fmt.Println("absent: dnsutil.IsName rejects a 64-octet label without a trailing dot")
	}
	for _, zone := range []string{
		"a 60 IN CNAME " + long + "\n",                // rdata name
		long + " 60 IN A 192.0.2.1\n",                 // owner name
		"$ORIGIN " + long + "\na 60 IN A 192.0.2.1\n", // $ORIGIN
	} {
		zp := dns.NewZoneParser(strings.NewReader(zone), "example.", "")
		rr, ok := zp.Next()
		if !ok {
			fmt.Printf("absent: %q rejected: %v\n", strings.TrimSpace(zone), zp.Err())
			continue
		}
		present = true
		m := &dns.Msg{Answer: []dns.RR{rr}}
		fmt.Printf("present: %q parsed as %q; Pack: %v\n", strings.TrimSpace(zone), rr.String(), m.Pack())
	}
	if present {
		os.Exit(1)
	}
}
