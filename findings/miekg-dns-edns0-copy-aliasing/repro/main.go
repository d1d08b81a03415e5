// Command repro shows that github.com/miekg/dns's Copy (dns.Copy, Msg.Copy,
// documented as deep copies) shares the Address of an EDNS0_SUBNET option
// and the AlgCode of EDNS0_DAU/DHU/N3U options with the original: changing
// the copy changes the original.
//
// Exit status 1 and the evidence when a change to the copy shows in the
// original, 0 when the copy is independent.
package main

import (
	"fmt"
	"net"
	"os"

	"github.com/miekg/dns"
)

func main() {
	orig := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 1232}}
	orig.Option = []dns.EDNS0{
		&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.IPv4(192, 0, 2, 0).To4()},
		&dns.EDNS0_DAU{Code: dns.EDNS0DAU, AlgCode: []uint8{dns.ECDSAP256SHA256}},
		&dns.EDNS0_DHU{Code: dns.EDNS0DHU, AlgCode: []uint8{dns.SHA256}},
		&dns.EDNS0_N3U{Code: dns.EDNS0N3U, AlgCode: []uint8{dns.SHA1}},
	}
	before := orig.String()

	cp := dns.Copy(orig).(*dns.OPT)
	cp.Option[0].(*dns.EDNS0_SUBNET).Address[3] = 99
	cp.Option[1].(*dns.EDNS0_DAU).AlgCode[0] = dns.ED25519
	cp.Option[2].(*dns.EDNS0_DHU).AlgCode[0] = dns.SHA384
	cp.Option[3].(*dns.EDNS0_N3U).AlgCode[0] = 2

	if after := orig.String(); after != before {
		fmt.Printf("present: changing the copy changed the original\nbefore:%s\nafter: %s\n", before, after)
		os.Exit(1)
	}
	fmt.Println("absent: the copy is independent of the original")
}
