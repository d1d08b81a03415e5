// Command repro shows that the Len method of the DSO records of
// codeberg.org/miekg/dns (miekg/dns version 2) returns the length of the
// option's data alone, while the DSO interface documents "the length of
// the octets for the entire option, which is four (2 octets for the type,
// and 2 octets for the length) plus the encoded length of the option
// itself" (RFC 8490 section 5.4's TLV).
//
// It compares Len of KEEPALIVE, RETRYDELAY and DPADDING with the TLV each
// is on the wire (RFC 8490 sections 7.1 to 7.3), and shows the EDNS0
// TCPKEEPALIVE, whose Len counts its header, as the convention the
// package follows elsewhere. It exits 1 when a DSO Len differs from its
// TLV's length, 0 when all agree.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	tcp := &dns.TCPKEEPALIVE{Timeout: 100}
	fmt.Printf("EDNS0 TCPKEEPALIVE (timeout 100): Len() = %d, its option is 4 + 2 octets\n", tcp.Len())

	present := false
	for _, c := range []struct {
		rr   dns.DSO
		data int // octets of the TLV's data on the wire
	}{
		{&dns.KEEPALIVE{Timeout: 15000, Interval: 60000}, 8}, // RFC 8490 7.1: two 32-bit timeouts
		{&dns.RETRYDELAY{Delay: 5000}, 4},                    // 7.2: one 32-bit delay
		{&dns.DPADDING{Padding: "00000000"}, 4},              // 7.3: the padding octets
	} {
		want := 4 + c.data // DSO-TYPE and DSO-LENGTH, 2 octets each, then the data
		if got := c.rr.Len(); got != want {
			fmt.Printf("present: %T Len() = %d, the TLV is %d octets (4 of header + %d of data)\n", c.rr, got, want, c.data)
			present = true
			continue
		}
		fmt.Printf("%T Len() = %d, the TLV's length\n", c.rr, want)
	}
	if present {
		os.Exit(1)
	}
	fmt.Println("absent: every DSO Len counts its TLV header")
}
