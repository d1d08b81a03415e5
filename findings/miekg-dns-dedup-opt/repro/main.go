// Command repro shows that github.com/miekg/dns's Dedup panics on a record
// whose text form has exactly one unescaped tab, such as the OPT record of
// a reply whose NSID (or EDE extra text) holds a tab octet.
//
// It unpacks a 28-octet reply (header plus one OPT record with a 1-octet
// NSID of 0x09), calls dns.Dedup on its additional section, and exits 1 with
// the panic when Dedup panics, 0 when it returns.
package main

import (
	"encoding/hex"
	"fmt"
	"os"

	"github.com/miekg/dns"
)

// reply is a DNS response: ID 0xee45, QR, no question, ARCOUNT 1, and an OPT
// record (owner ".", UDP size 1232) with option NSID (code 3) of length 1
// whose value is a tab.
const reply = "ee45" + "8180" + "0000" + "0000" + "0000" + "0001" +
	"00" + "0029" + "04d0" + "00000000" + "0005" +
	"0003" + "0001" + "09"

func main() {
	wire, _ := hex.DecodeString(reply)
	m := new(dns.Msg)
	if err := m.Unpack(wire); err != nil {
		fmt.Fprintln(os.Stderr, "repro: unpack:", err)
		os.Exit(2)
	}
	fmt.Printf("unpacked a %d-octet reply; additional section: %q\n", len(wire), m.Extra[0].String())
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("present: dns.Dedup(m.Extra, nil) panicked: %v\n", r)
			os.Exit(1)
		}
	}()
	out := dns.Dedup(m.Extra, nil)
	fmt.Printf("absent: dns.Dedup(m.Extra, nil) returned %d record(s)\n", len(out))
}
