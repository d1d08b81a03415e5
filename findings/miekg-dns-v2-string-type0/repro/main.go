// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// prints EUI48, EUI64 and RESINFO records (and the meta records NXNAME,
// ANY, AXFR, IXFR, NULL) with "TYPE0" where their type belongs and no
// blank before the rdata: "example. 3600 IN EUI48 00-00-5e-00-53-2a" prints
// as "example. 3600 IN TYPE000-00-5e-00-53-2a", which New rejects.
//
// It exits 1 when any of these records prints without its type (or the
// String of a parsed record does not parse back to it), 0 when all print
// their type and round trip.
package main

import (
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, in := range []string{
		`example. 3600 IN EUI48 00-00-5e-00-53-2a`,
		`example. 3600 IN EUI64 00-00-5e-ef-10-00-00-2a`,
		`example. 3600 IN RESINFO qnamemin exterr=15,16,17`,
	} {
		rr, err := dns.New(in)
		if err != nil {
			fmt.Printf("setup: New(%q): %v\n", in, err)
			os.Exit(2)
		}
		s := rr.String()
		rr1, err := dns.New(s)
		switch {
		case err != nil:
			present = true
			fmt.Printf("present: %q prints as %q, which does not parse: %v\n", in, s, err)
		case !dns.Equal(rr, rr1):
			present = true
			fmt.Printf("present: %q prints as %q, which parses as %q\n", in, s, rr1.String())
		default:
			fmt.Printf("absent: %q prints as %q and parses back\n", in, s)
		}
	}
	// No presentation format for their rdata, but the header names the type.
	for _, rr := range []dns.RR{&dns.NXNAME{}, &dns.ANY{}, &dns.AXFR{}, &dns.IXFR{}, &dns.NULL{}} {
		rr.Header().Name, rr.Header().Class = "example.", dns.ClassINET
		typ := dns.TypeToString[dns.RRToType(rr)]
		if s := rr.String(); !strings.Contains(s, "\tIN\t"+typ+"\t") {
			present = true
			fmt.Printf("present: %T prints as %q, without its type %s\n", rr, s, typ)
		} else {
			fmt.Printf("absent: %T prints as %q\n", rr, s)
		}
	}
	if present {
		os.Exit(1)
	}
}
