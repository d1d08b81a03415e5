// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// packs an EDNS0 PADDING option (RFC 7830) with a length of twice its
// padding octets and never writes them: the option carries whatever the
// Msg's Data buffer held before, and Unpack reads no padding back.
//
// It packs a reply holding a TXT record into a Msg, then reuses that Msg
// (the Data buffer stays) for a reply without the answer but with 16
// octets of zero padding, as a server padding its replies would. It exits 1
// when the option's length is not 16, its octets are not zero, or Unpack
// does not give the padding back; 0 otherwise.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func main() {
	secret := "secret-of-the-previous-reply-0123456789"
	m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 3, Response: true}}
	m.Question = []dns.RR{&dns.TXT{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET}}}
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET, TTL: 60}}}
	m.Answer[0].(*dns.TXT).Txt = []string{secret}
	if err := m.Pack(); err != nil {
		panic(err)
	}

	// Reuse m: drop the answer, pad with 16 zero octets.
	padding := strings.Repeat("00", 16)
	m.Answer = nil
	m.UDPSize = 1232
	m.Pseudo = []dns.RR{&dns.PADDING{Padding: padding}}
	if err := m.Pack(); err != nil {
		panic(err)
	}
	wire := bytes.Clone(m.Data)

	// The OPT record is the last record: its options end the message.
	i := bytes.LastIndex(wire, []byte{0x00, 0x0c}) // option code 12, PADDING
	if i < 0 {
		fmt.Println("present: no PADDING option on the wire")
		os.Exit(1)
	}
	length := int(binary.BigEndian.Uint16(wire[i+2:]))
	content := wire[i+4:]
	fmt.Printf("PADDING option: length %d, %d octet(s) follow: %q\n", length, len(content), content)

	present := false
	if length != 16 {
		fmt.Printf("present: 16 octets of padding packed with option length %d\n", length)
		present = true
	}
	if !bytes.Equal(content, make([]byte, len(content))) {
		fmt.Printf("present: the padding is not the zeros asked for but bytes left in Msg.Data: %q\n", content)
		present = true
	}

	r := &dns.Msg{Data: wire}
	if err := r.Unpack(); err != nil {
		fmt.Printf("present: the padded message does not unpack: %v\n", err)
		os.Exit(1)
	}
	got := ""
	for _, rr := range r.Pseudo {
		if p, ok := rr.(*dns.PADDING); ok {
			got = p.Padding
		}
	}
	if got != padding {
		fmt.Printf("present: Unpack gives padding %q, want %q\n", got, padding)
		present = true
	}
	if present {
		os.Exit(1)
	}
	fmt.Println("absent: 16 zero octets of padding pack and unpack")
}
