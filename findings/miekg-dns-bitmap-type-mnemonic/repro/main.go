// Command repro shows that github.com/miekg/dns's zone parser accepts any
// token of five or more characters ending in a number as a type in NSEC,
// NXT, NSEC3 and CSYNC type bitmaps: typeToInt skips the first four
// characters without checking that they are "TYPE", so "N3600" is type 0
// (printed "None", which does not parse back) and "ABCD28" is AAAA.
//
// Exit status 1 and the evidence when NewRR accepts such a bitmap, 0 when it
// rejects every one.
package main

import (
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	present := false
	for _, text := range []string{
		"example.org. 3600 IN NSEC host.example.org. A N3600",
		"example.org. 3600 IN NXT host.example.org. A ABCD28",
		"H9P7U7TR2U91D0V0LJS9L1GIDNP90U3H.example.org. 3600 IN NSEC3 1 1 12 - 2T7B4G4VSA5SMI47K61MV5BV1A2DOMAI A XXXX99",
		"example.org. 3600 IN CSYNC 1 0 A FOOO2",
	} {
		rr, err := dns.NewRR(text)
		if err != nil {
			fmt.Printf("absent: %q rejected: %v\n", text, err)
			continue
		}
		_, rerr := dns.NewRR(rr.String())
		fmt.Printf("present: %q accepted as %q (reparsing that: %v)\n", text, rr.String(), rerr)
		present = true
	}
	if present {
		os.Exit(1)
	}
}
