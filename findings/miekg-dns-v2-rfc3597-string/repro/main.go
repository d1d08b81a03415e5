// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// prints a record of a type it has no struct for (RFC3597) without the \#
// token that RFC 3597 section 5 puts before the generic rdata: the record
// "a.example. 3600 IN TYPE65280 \# 3 abcdef" prints as
// "a.example. 3600 CLASS1 TYPE65280 3 abcdef", which New rejects, so the
// text form of an unknown record does not round trip (a zone written out by
// a v2 tool does not load again).
//
// It exits 1 when the String form of a parsed unknown record does not
// parse back to the same record, 0 when it does.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, in := range []string{
		`a.example. 3600 IN TYPE65280 \# 3 abcdef`,
		`a.example. 3600 IN TYPE65280 \# 0`,
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
	if present {
		os.Exit(1)
	}
}
