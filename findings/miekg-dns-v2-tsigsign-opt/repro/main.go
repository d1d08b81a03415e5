// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// drops the OPT record (EDNS0) of every message it signs with TSIGSign.
//
// It builds a query for miek.nl/MX with UDPSize 1232 and the DO bit and a
// TSIG stub (key example., hmac-sha256), packs it (OPT then TSIG in the
// additional section) and signs it, as the package's own TSIG test does. It
// exits 1 when the signed message has no OPT (ARCOUNT 1, UDPSize back to
// 512, no DO bit), 0 when it goes out with the OPT and the TSIG.
package main

import (
	"encoding/binary"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	m := dns.NewMsg("miek.nl.", dns.TypeMX)
	m.ID = 3
	m.UDPSize = 1232
	m.Security = true
	m.Pseudo = []dns.RR{dns.NewTSIG("example.", dns.HmacSHA256, 0)}
	if err := m.Pack(); err != nil {
		fmt.Printf("Pack: %v\n", err)
		os.Exit(2)
	}
	fmt.Printf("packed: %d octets, ARCOUNT %d (OPT and TSIG)\n", len(m.Data), binary.BigEndian.Uint16(m.Data[10:]))
	opt := dns.TSIGOption{}
	if err := dns.TSIGSign(m, dns.HmacTSIG{Secret: []byte("blaat")}, &opt); err != nil {
		fmt.Printf("TSIGSign: %v\n", err)
		os.Exit(2)
	}
	arcount := binary.BigEndian.Uint16(m.Data[10:])
	r := &dns.Msg{Data: append([]byte(nil), m.Data...)}
	if err := r.Unpack(); err != nil {
		fmt.Printf("signed message does not unpack: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("signed: %d octets, ARCOUNT %d, unpacked UDPSize %d, DO %v\n", len(m.Data), arcount, r.UDPSize, r.Security)
	if arcount != 2 || r.UDPSize != 1232 || !r.Security {
		fmt.Println("present: TSIGSign dropped the OPT record (EDNS0) of the message it signed")
		os.Exit(1)
	}
	fmt.Println("absent: the signed message keeps its OPT record before the TSIG")
}
