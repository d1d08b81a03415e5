// Command repro shows that the zone parser of codeberg.org/miekg/dns
// (miekg/dns version 2) accepts an HINFO record whose CPU or OS string is
// over 255 octets (RFC 1035 section 3.3.2: each is a <character-string>,
// at most 255 octets) and moves the text between the two fields.
//
// It parses two HINFO records, each with a 300-octet string, one in the
// OS field and one in the CPU field, and shows what the record holds, what
// Pack does with it and what its text parses back as. It exits 1 when New
// accepts either, 0 when it rejects both.
package main

import (
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func main() {
	long := strings.Repeat("x", 300)
	present := false
	for _, text := range []string{
		`host.example. 3600 IN HINFO "INTEL-386" "` + long + `"`,
		`host.example. 3600 IN HINFO "` + long + `" "UNIX"`,
	} {
		short := strings.Replace(text, long, "xxx…(300 octets)", 1)
		rr, err := dns.New(text)
		if err != nil {
			fmt.Printf("%s: rejected: %v\n", short, err)
			continue
		}
		present = true
		h := rr.(*dns.HINFO)
		fmt.Printf("present: %s: accepted as CPU of %d octets, OS of %d octets (\"…%s\")\n", short, len(h.Cpu), len(h.Os), h.Os[max(0, len(h.Os)-8):])
		m := &dns.Msg{MsgHeader: dns.MsgHeader{ID: 1, Response: true}, Answer: []dns.RR{rr}}
		if err := m.Pack(); err != nil {
			fmt.Printf("  Pack: %v\n", err)
		}
		if rr2, err := dns.New(rr.String()); err != nil {
			fmt.Printf("  its String does not parse: %v\n", err)
		} else if h2 := rr2.(*dns.HINFO); h2.Cpu != h.Cpu || h2.Os != h.Os {
			fmt.Printf("  its String parses as another record: CPU of %d octets, OS of %d octets\n", len(h2.Cpu), len(h2.Os))
		}
	}
	if present {
		os.Exit(1)
	}
	fmt.Println("absent: New rejects HINFO strings over 255 octets")
}
