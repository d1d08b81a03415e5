// Command repro shows that github.com/miekg/dns's zone parser accepts an
// NSEC3 or NSEC3PARAM salt that is not an even-length hex string, deriving
// SaltLength from the text length, so the record it returns cannot be
// packed (and its text form reparses with another SaltLength).
//
// Exit status 1 and the evidence when NewRR accepts such a salt, 0 when it
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
		"example.org. 3600 IN NSEC3PARAM 1 0 0 ZZ",
		"example.org. 3600 IN NSEC3PARAM 1 0 0 abc",
		"example.org. 3600 IN NSEC3PARAM 1 0 0 -3\xc3\xa9z",
		"H9P7U7TR2U91D0V0LJS9L1GIDNP90U3H.example.org. 3600 IN NSEC3 1 1 12 XYZW 2T7B4G4VSA5SMI47K61MV5BV1A2DOMAI A",
	} {
		rr, err := dns.NewRR(text)
		if err != nil {
			fmt.Printf("absent: %q rejected: %v\n", text, err)
			continue
		}
		buf := make([]byte, 512)
		_, perr := dns.PackRR(rr, buf, 0, nil, false)
		fmt.Printf("present: %q accepted as %q; PackRR: %v\n", text, rr.String(), perr)
		present = true
	}
	if present {
		os.Exit(1)
	}
}
