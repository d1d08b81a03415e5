// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// accepts an SVCB/HTTPS mandatory= list with names that are not keys
// (RFC 9460 2.1: a key is a registered name or keyNNNNN): "mandatory=foo"
// becomes key 65535, the reserved invalid key (RFC 9460 14.3.3), which
// String prints as nothing (mandatory=""); "keyfoo" becomes key 0
// (mandatory itself) and "key70000" key 4464 (modulo 2^16).
//
// It exits 1 when any of these records parses, 0 when all are rejected.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, in := range []string{
		`example. 3600 IN HTTPS 1 . mandatory=foo alpn=h2`,
		`example. 3600 IN SVCB 1 svc.example. mandatory=alpn,foo alpn=h2`,
		`example. 3600 IN SVCB 1 svc.example. mandatory=keyfoo`,
		`example. 3600 IN SVCB 1 svc.example. mandatory=key70000`,
	} {
		rr, err := dns.New(in)
		if err != nil {
			fmt.Printf("absent: %q rejected: %v\n", in, err)
			continue
		}
		present = true
		fmt.Printf("present: %q parsed, prints as %q\n", in, rr.String())
	}
	if present {
		os.Exit(1)
	}
}
