// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// packs every EDNS0 REPORTING option (RFC 9567) one octet short: the
// option length leaves out the agent domain's root label, so the message
// v2 packs does not unpack.
//
// It packs a reply for miek.nl/A whose OPT carries REPORTING with agent
// domain a01.agent.example. (the example of RFC 9567 section 6.2) and
// unpacks it. It exits 1 when the option length is not the 19 octets of
// the name or Unpack fails, 0 when the agent domain comes back.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	const agent = "a01.agent.example."
	m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 3, Response: true}}
	m.Question = []dns.RR{&dns.A{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET}}}
	m.UDPSize = 1232
	m.Pseudo = []dns.RR{&dns.REPORTING{AgentDomain: agent}}
	if err := m.Pack(); err != nil {
		panic(err)
	}
	wire := bytes.Clone(m.Data)

	present := false
	// The option: code 18 (REPORTING), length, the agent domain.
	i := bytes.Index(wire, []byte("\x00\x12\x00\x12\x03a01\x05agent\x07example"))
	if i < 0 {
		i = bytes.Index(wire, []byte("\x00\x12\x00\x13\x03a01\x05agent\x07example"))
	}
	if i < 0 {
		fmt.Printf("present: no REPORTING option with the agent domain on the wire: % x\n", wire)
		os.Exit(1)
	}
	if l := binary.BigEndian.Uint16(wire[i+2:]); l != 19 {
		fmt.Printf("present: the agent domain takes 19 octets on the wire, the option length says %d\n", l)
		present = true
	}

	r := &dns.Msg{Data: wire}
	if err := r.Unpack(); err != nil {
		fmt.Printf("present: the message v2 packed does not unpack: %v\n", err)
		os.Exit(1)
	}
	got := ""
	for _, rr := range r.Pseudo {
		if o, ok := rr.(*dns.REPORTING); ok {
			got = o.AgentDomain
		}
	}
	if got != agent {
		fmt.Printf("present: Unpack gives agent domain %q, want %q\n", got, agent)
		present = true
	}
	if present {
		os.Exit(1)
	}
	fmt.Printf("absent: REPORTING %s packs and unpacks\n", got)
}
