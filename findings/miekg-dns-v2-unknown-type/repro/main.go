// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// loses the type of a record whose type it does not know (RFC 3597): in
// the answer, authority and additional sections it unpacks as an RFC3597
// whose RRType is 0, so it prints as TYPE0 and packs with TYPE 0 on the
// wire. (In the question section the type is kept.)
//
// It unpacks a reply with one answer of type 65280 (private use) and packs
// it again. It exits 1 when the unpacked record's type, or the repacked
// record's type on the wire, is not 65280, 0 when both are.
package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

const reply = "000381800001000100000000" + // ID 3, QR RD RA, QDCOUNT 1, ANCOUNT 1
	"076578616d706c65036f726700ff000001" + // example.org. TYPE65280 IN
	"c00cff00000100000e1000020102" // example.org. 3600 IN TYPE65280 \# 2 0102

func main() {
	data, err := hex.DecodeString(reply)
	if err != nil {
		panic(err)
	}
	m := &dns.Msg{Data: data}
	if err := m.Unpack(); err != nil {
		fmt.Printf("Unpack: %v\n", err)
		os.Exit(2)
	}
	rr := m.Answer[0]
	got := dns.RRToType(rr)
	fmt.Printf("unpacked answer: %s (RRToType %d)\n", rr, got)

	out := &dns.Msg{Answer: []dns.RR{rr}}
	if err := out.Pack(); err != nil {
		fmt.Printf("Pack: %v\n", err)
		os.Exit(2)
	}
	// the header (12 octets) and the name example.org. (13 octets), then TYPE
	wire := binary.BigEndian.Uint16(out.Data[12+13:])
	fmt.Printf("repacked: %x (TYPE on the wire %d)\n", out.Data, wire)
	if got != 0xff00 || wire != 0xff00 {
		fmt.Println("present: the record of type 65280 lost its type")
		os.Exit(1)
	}
	fmt.Println("absent: the record keeps type 65280")
}
