// Command repro shows that github.com/miekg/dns drops an AMTRELAY record's
// relay when its discovery-optional (D) bit is set (RFC 8777 section 4.2.2):
// the zone parser and String mask the D bit off the relay type, but pack,
// unpack and the length computation switch on the whole octet, so the relay
// is neither written nor read.
//
// Exit status 1 and the evidence when the relay is lost, 0 when it survives
// a pack/unpack round trip.
package main

import (
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	present := false
	for _, text := range []string{
		"example. 3600 IN AMTRELAY 10 0 1 203.0.113.15",       // D=0: control
		"example. 3600 IN AMTRELAY 10 1 1 203.0.113.15",       // D=1, IPv4 relay
		"example. 3600 IN AMTRELAY 10 1 2 2001:db8::15",       // D=1, IPv6 relay
		"example. 3600 IN AMTRELAY 10 1 3 amtrelays.example.", // D=1, name relay
	} {
		rr, err := dns.NewRR(text)
		if err != nil {
			fmt.Fprintln(os.Stderr, "repro:", err)
			os.Exit(2)
		}
		buf := make([]byte, 512)
		off, err := dns.PackRR(rr, buf, 0, nil, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, "repro: pack:", err)
			os.Exit(2)
		}
		back, _, err := dns.UnpackRR(buf[:off], 0)
		switch {
		case err != nil:
			fmt.Printf("present: %q packs to %d octets of RDATA that do not unpack: %v\n", text, rr.Header().Rdlength, err)
			present = true
		case back.String() != rr.String():
			fmt.Printf("present: %q packs to %d octets of RDATA and unpacks as %q\n", text, back.Header().Rdlength, back.String())
			present = true
		default:
			fmt.Printf("absent: %q survives pack/unpack (%d octets of RDATA)\n", text, back.Header().Rdlength)
		}
	}
	if present {
		os.Exit(1)
	}
}
