// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// cannot encode the records without rdata of a dynamic update (RFC 2136
// 2.4 and 2.5: prerequisites and deletions have RDLENGTH 0), although its
// zone parser and its unpacker make them: an A fails to pack ("invalid a"
// or "overflow a"), an AAAA is written as :: (16 octets), an MX as the null
// MX "0 ." (3 octets).
//
// It exits 1 when any of the records below is not packed with RDLENGTH 0,
// 0 when all are.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	var rrs []dns.RR
	// RFC 2136 2.4.3 "RRset does not exist" in zone text.
	for _, text := range []string{"a.example. 0 NONE A\n", "a.example. 0 NONE AAAA\n", "a.example. 0 NONE MX\n"} {
		zp := dns.NewZoneParser(strings.NewReader(text), "example.", "")
		rr, ok := zp.Next()
		if !ok {
			fmt.Printf("setup: %q: %v\n", strings.TrimSpace(text), zp.Err())
			os.Exit(2)
		}
		rrs = append(rrs, rr)
	}
	// RFC 2136 2.5.2 "Delete an RRset" (class ANY, type A, RDLENGTH 0) read
	// from the wire: an UPDATE for zone example. deleting a.example.'s A RRset.
	wire := []byte{
		0, 1, 0x28, 0, 0, 1, 0, 0, 0, 1, 0, 0, // ID 1, UPDATE, ZOCOUNT 1, UPCOUNT 1
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 6, 0, 1, // zone example. SOA IN
		1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 255, 0, 0, 0, 0, 0, 0, // a.example. A ANY TTL 0 RDLENGTH 0
	}
	in := &dns.Msg{Data: wire}
	if err := in.Unpack(); err != nil || len(in.Ns) != 1 {
		fmt.Printf("setup: unpacking the UPDATE: %v %v\n", err, in.Ns)
		os.Exit(2)
	}
	rrs = append(rrs, in.Ns[0])

	for _, rr := range rrs {
		m := dns.NewMsg("example.", dns.TypeSOA)
		m.Opcode = dns.OpcodeUpdate
		m.Ns = []dns.RR{rr}
		if err := m.Pack(); err != nil {
			present = true
			fmt.Printf("present: %q: Pack: %v\n", rr.String(), err)
			continue
		}
		// Header 12, zone 13, then "a.example." (uncompressed, 11),
		// type, class, TTL and RDLENGTH.
		if len(m.Data) < 46 {
			present = true
			fmt.Printf("present: %q: packed as %x\n", rr.String(), m.Data)
			continue
		}
		if rdlength := binary.BigEndian.Uint16(m.Data[44:]); rdlength != 0 || len(m.Data) != 46 {
			present = true
			fmt.Printf("present: %q: packed with RDLENGTH %d, rdata %x\n", rr.String(), rdlength, m.Data[46:])
			continue
		}
		fmt.Printf("absent: %q: packed with RDLENGTH 0\n", rr.String())
	}
	if present {
		os.Exit(1)
	}
}
