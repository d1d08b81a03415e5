// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// prints a record of class 255 with the class mnemonic ANY, which its
// zone parser then reads as the type ANY: "example.org. 3600 CLASS255 A
// 192.0.2.9" prints as "example.org. 3600 ANY A 192.0.2.9", and New
// rejects that text ("unknown RR type: A"), as it rejects the same line
// written by hand (RFC 1035 5.1: <class> <type>).
//
// It exits 1 when the text with class ANY does not parse back to the
// record, 0 when it does.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	rr, err := dns.New("example.org. 3600 CLASS255 A 192.0.2.9")
	if err != nil {
		fmt.Printf("setup: %v\n", err)
		os.Exit(2)
	}
	for _, in := range []string{rr.String(), "example.org. ANY 3600 A 192.0.2.9"} {
		rr1, err := dns.New(in)
		switch {
		case err != nil:
			present = true
			fmt.Printf("present: %q (class 255) does not parse: %v\n", in, err)
		case !dns.Equal(rr, rr1):
			present = true
			fmt.Printf("present: %q parses as %q\n", in, rr1.String())
		default:
			fmt.Printf("absent: %q parses as class 255\n", in)
		}
	}
	if present {
		os.Exit(1)
	}
}
