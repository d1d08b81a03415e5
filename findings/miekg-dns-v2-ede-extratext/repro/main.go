// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// never writes the EXTRA-TEXT of an EDNS0 Extended DNS Error option
// (RFC 8914): EDE.pack leaves the reserved octets as the buffer held them
// and instead assigns the rest of the pack buffer to the caller's
// ExtraText, so the option goes out without its text and the Msg changes.
//
// It packs a REFUSED reply carrying EDE 15 (Blocked) with the text
// "blocked by policy", then unpacks the wire; then it packs 1000 replies
// that share one EDE value. It exits 1 when Pack changed ExtraText, the text
// does not come back from the wire or the shared option makes replies grow,
// 0 otherwise.
package main

import (
	"bytes"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/rdata"
)

func main() {
	const text = "blocked by policy"
	ede := &dns.EDE{InfoCode: dns.ExtendedErrorBlocked, ExtraText: text}
	m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 3, Response: true, Rcode: dns.RcodeRefused}}
	m.Question = []dns.RR{&dns.A{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET}}}
	m.UDPSize = 1232
	m.Pseudo = []dns.RR{ede}
	if err := m.Pack(); err != nil {
		panic(err)
	}
	wire := bytes.Clone(m.Data)
	after := ede.ExtraText
	fmt.Printf("packed %d octets; %d after a second Pack of the same Msg\n", len(wire), packAgain(m))

	present := false
	if after != text {
		fmt.Printf("present: Pack changed the caller's ExtraText from %q to %d octets: %q\n", text, len(after), abbrev(after))
		present = true
	}
	r := &dns.Msg{Data: wire}
	if err := r.Unpack(); err != nil {
		fmt.Printf("present: the message v2 packed does not unpack: %v\n", err)
		os.Exit(1)
	}
	got := "(no EDE)"
	for _, rr := range r.Pseudo {
		if e, ok := rr.(*dns.EDE); ok {
			got = e.ExtraText
		}
	}
	if got != text {
		fmt.Printf("present: the wire carries EXTRA-TEXT %q, want %q\n", got, text)
		present = true
	}
	if first, last := sharedEDE(1000); last != first {
		fmt.Printf("present: replies sharing one EDE value grow with each Pack: the 1st is %d octets, the 1000th %d\n", first, last)
		present = true
	}
	if present {
		os.Exit(1)
	}
	fmt.Printf("absent: EDE 15 %q packs unchanged and unpacks\n", got)
}

// packAgain packs m a second time (a retransmission, a re-signed reply) and
// returns the length of the result.
func packAgain(m *dns.Msg) int {
	if err := m.Pack(); err != nil {
		return -1
	}
	return len(m.Data)
}

// sharedEDE packs n REFUSED replies, each a new Msg with an NS record in
// its authority section, that carry one shared EDE value (a package-level
// "blocked" option, say), and returns the lengths of the first and the last.
func sharedEDE(n int) (first, last int) {
	ede := &dns.EDE{InfoCode: dns.ExtendedErrorBlocked, ExtraText: "blocked by policy"}
	for i := range n {
		m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: uint16(i), Response: true, Rcode: dns.RcodeRefused}}
		m.Question = []dns.RR{&dns.A{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET}}}
		m.Ns = []dns.RR{&dns.NS{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET, TTL: 3600}, NS: rdata.NS{Ns: "ns.miek.nl."}}}
		m.UDPSize = 1232
		m.Pseudo = []dns.RR{ede}
		if err := m.Pack(); err != nil {
			panic(err)
		}
		if i == 0 {
			first = len(m.Data)
		}
		last = len(m.Data)
	}
	return first, last
}

func abbrev(s string) string {
	if len(s) > 24 {
		return s[:24] + "..."
	}
	return s
}
