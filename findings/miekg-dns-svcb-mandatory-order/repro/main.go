// Command repro shows that miekg/dns v1 accepts an SVCB "mandatory" value
// whose keys are not in strictly increasing order (RFC 9460 section 8), and
// that Pack then sends different RDATA: the keys sorted.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	// One answer: ". 0 IN SVCB 1 . mandatory=port,alpn alpn=h2 port=443",
	// with mandatory's keys on the wire as port (3), alpn (1).
	rdata := []byte{
		0x00, 0x01, // SvcPriority 1
		0x00,                   // TargetName "."
		0x00, 0x00, 0x00, 0x04, // key 0 (mandatory), length 4
		0x00, 0x03, 0x00, 0x01, // port, alpn: not increasing
		0x00, 0x01, 0x00, 0x03, 0x02, 'h', '2', // alpn=h2
		0x00, 0x03, 0x00, 0x02, 0x01, 0xbb, // port=443
	}
	msg := []byte{0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	msg = append(msg, 0x00, 0x00, 0x40, 0x00, 0x01, 0, 0, 0, 0, 0, byte(len(rdata)))
	msg = append(msg, rdata...)

	var m dns.Msg
	if err := m.Unpack(msg); err != nil {
		fmt.Println("fixed: Unpack rejects the record:", err)
		return
	}
	out, err := m.Pack()
	if err != nil {
		fmt.Println("Pack:", err)
		os.Exit(1)
	}
	sent, got := msg[len(msg)-len(rdata):], out[len(out)-len(rdata):]
	fmt.Printf("present: Unpack accepts mandatory keys 3,1 (RFC 9460 8: strictly increasing); record %q\n", m.Answer[0].String())
	fmt.Printf("rdata received % x\nrdata packed   % x (same: %v)\n", sent, got, bytes.Equal(sent, got))
	os.Exit(1)
}
