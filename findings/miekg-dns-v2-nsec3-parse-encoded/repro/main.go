// Command repro shows that the NSEC3 parser of codeberg.org/miekg/dns
// (miekg/dns version 2) stores the salt and the Next Hashed Owner Name as
// text without decoding them (RFC 5155 3.3: the salt is hex, the next
// hashed owner name base32hex), and sets their length fields from
// assumptions instead: SaltLength is half the text's length, HashLength is
// always 20.
//
// It parses an NSEC3 whose salt is not hex and one whose next hashed owner
// name is 29 base32hex digits (an 18-octet hash: RFC 5155 allows any
// length), and packs each in a message and unpacks it. It exits 1 when
// New accepts a record that then does not pack or does not come back from
// the wire, 0 when each is rejected or round-trips.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, text := range []string{
		// The salt "AABBCCZZ" is not hex.
		"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 0 0 AABBCCZZ 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG",
		// 29 digits: 18 octets (a SHA-1 hash is 32 digits, 20 octets).
		"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 0 0 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AO A RRSIG",
	} {
		rr, err := dns.New(text)
		if err != nil {
			fmt.Printf("rejected: %v\n", err)
			continue
		}
		n := rr.(*dns.NSEC3)
		fmt.Printf("New accepts salt %q (SaltLength %d), next hashed owner %q (HashLength %d)\n", n.Salt, n.SaltLength, n.NextDomain, n.HashLength)
		m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 1, Response: true}, Ns: []dns.RR{rr}}
		if err := m.Pack(); err != nil {
			fmt.Printf("present: Pack: %v\n", err)
			present = true
			continue
		}
		r := &dns.Msg{Data: m.Data}
		if err := r.Unpack(); err != nil {
			fmt.Printf("present: Pack writes HashLength %d and fewer octets; Unpack: %v\n", n.HashLength, err)
			present = true
		} else if len(r.Ns) != 1 || r.Ns[0].String() != rr.String() {
			fmt.Printf("present: the record unpacks as %v\n", r.Ns)
			present = true
		} else {
			fmt.Println("  packs and unpacks")
		}
	}
	if present {
		os.Exit(1)
	}
	fmt.Println("absent: every NSEC3 New accepts packs and unpacks")
}
