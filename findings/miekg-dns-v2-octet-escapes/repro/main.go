// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// gives URI.Target and CAA.Value (dns:"any", the octets Pack writes as
// they are) two meanings: the zone parser keeps a \DDD escape as its four
// characters, String decodes escapes before printing, and bytes that came
// from the wire print escaped as \DDD. So:
//   - `URI 10 1 "www\065example"` packs the octets 'w' 'w' 'w' '\' '0' '6'
//     '5' ... but prints as "wwwAexample";
//   - a URI whose target holds the octet 0x01 (as Unpack delivers it)
//     prints as "\001", which parses back as four octets.
//
// It exits 1 when the packed octets differ from what String shows or a
// record's String does not parse back to the same record, 0 otherwise.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, tc := range []struct{ in, octets string }{
		{`example. 3600 IN URI 10 1 "www\065example"`, "wwwAexample"},
		{`example. 3600 IN CAA 0 issue "ca\065.example"`, "caA.example"},
	} {
		rr, err := dns.New(tc.in)
		if err != nil {
			fmt.Printf("setup: New(%q): %v\n", tc.in, err)
			os.Exit(2)
		}
		var got string
		switch r := rr.(type) {
		case *dns.URI:
			got = r.Target
		case *dns.CAA:
			got = r.Value
		}
		if got != tc.octets {
			present = true
			fmt.Printf("present: %q holds (and packs) the octets %q but prints as %q\n", tc.in, got, rr.String())
		} else {
			fmt.Printf("absent: %q holds the octets %q\n", tc.in, got)
		}
	}

	// A target with the octet 0x01, as Unpack delivers it from the wire.
	rr := &dns.URI{Hdr: dns.Header{Name: "example.", Class: dns.ClassINET, TTL: 3600}}
	rr.Priority, rr.Weight, rr.Target = 10, 1, "ftp://example.org/\x01"
	rr1, err := dns.New(rr.String())
	switch {
	case err != nil:
		present = true
		fmt.Printf("present: URI target %q prints as %q, which does not parse: %v\n", rr.Target, rr.String(), err)
	case !dns.Equal(rr, rr1):
		present = true
		fmt.Printf("present: URI target %q prints as %q, which parses as target %q\n", rr.Target, rr.String(), rr1.(*dns.URI).Target)
	default:
		fmt.Printf("absent: URI target %q prints as %q and parses back\n", rr.Target, rr.String())
	}
	if present {
		os.Exit(1)
	}
}
