// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// packs a domain name of more than 255 octets (RFC 1035 section 2.3.4),
// which its own Unpack then rejects, losing the whole message.
//
// It packs a query whose question name is four 63-octet labels under the
// root (257 octets on the wire) and unpacks it, and does the same with a
// name of exactly 255 octets as the control. It exits 1 when Pack
// accepts the long name (or the control does not round-trip), 0 when
// Pack refuses it.
package main

import (
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func pack(name string) (*dns.Msg, error) {
	m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 3, RecursionDesired: true}}
	m.Question = []dns.RR{&dns.A{Hdr: dns.Header{Name: name, Class: dns.ClassINET}}}
	return m, m.Pack()
}

func main() {
	label := strings.Repeat("a", 63)
	// 3 labels of 63 and one of 61: 3*64 + 62 + 1 = 255 octets on the wire.
	ok := strings.Repeat(label+".", 3) + label[:61] + "."
	m, err := pack(ok)
	if err != nil {
		fmt.Printf("control: Pack refuses a name of 255 octets: %v\n", err)
		os.Exit(1)
	}
	if err := m.Unpack(); err != nil {
		fmt.Printf("control: a name of 255 octets does not unpack: %v\n", err)
		os.Exit(1)
	}

	long := strings.Repeat(label+".", 4) // 4*64 + 1 = 257 octets on the wire
	m, err = pack(long)
	if err != nil {
		fmt.Printf("absent: Pack refuses a name of %d octets: %v\n", len(long)+1, err)
		return
	}
	fmt.Printf("present: Pack accepts a name of %d octets (RFC 1035 2.3.4: 255 at most), %d octets of message\n", len(long)+1, len(m.Data))
	r := &dns.Msg{Data: m.Data}
	if err := r.Unpack(); err != nil {
		// The error goes on with the name, raw wire bytes.
		msg, _, _ := strings.Cut(err.Error(), ": \x3f")
		fmt.Printf("present: the message v2 packed does not unpack: %s\n", msg)
	}
	os.Exit(1)
}
