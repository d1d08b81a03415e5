// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// panics in Msg.String on a received message whose ZONEVERSION option
// (RFC 9660, EDNS0 code 19) has type 0 (SOA-SERIAL) and a version shorter
// than 4 octets: ZONEVERSION.String reads the version as a uint32 without
// checking its length, and Unpack accepts any length.
//
// It unpacks such a reply (version of 1 octet) and prints it. It exits 1
// when String panics, 0 when it returns.
package main

import (
	"encoding/hex"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

const reply = "123481000001000000000001" + // ID 0x1234, QR RD, QDCOUNT 1, ARCOUNT 1
	"076578616d706c65036f72670000060001" + // example.org. SOA IN
	"0000290" + "4d000000000000700130003020001" // OPT: udp 1232, ZONEVERSION labels 2, type 0, version 01

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
	fmt.Printf("unpacked: %d pseudo-section option(s), %T\n", len(m.Pseudo), m.Pseudo[0])
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("present: Msg.String panics: %v\n", r)
			os.Exit(1)
		}
	}()
	s := m.String()
	fmt.Printf("absent: Msg.String returned:\n%s", s)
}
