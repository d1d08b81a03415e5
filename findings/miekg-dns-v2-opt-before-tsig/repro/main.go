// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// loses the TSIG record of a TSIG-signed query that carries EDNS0: the OPT
// record comes before the TSIG (RFC 8945 section 5.1 puts the TSIG last, so
// every signed EDNS0 message has this order, e.g. `dig -y ...`), and
// Msg.Unpack moves the OPT out of the additional section by writing it over
// the section's last record, the TSIG.
//
// It unpacks a query for miek.nl/A with an OPT (UDP size 1232) and a TSIG
// (key k., hmac-sha256) in the additional section. It exits 1 when the TSIG
// is not in the pseudo section or an OPT is left in the additional section,
// 0 when the message reads as sent.
package main

import (
	"encoding/hex"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

const (
	header   = "000301000001000000000002" // ID 3, RD, QDCOUNT 1, ARCOUNT 2
	question = "046d69656b026e6c0000010001"
	opt      = "00002904d0000000000000" // . OPT, UDP size 1232, no options
	tsig     = "016b0000fa00ff00000000003d0b686d61632d7368613235360000006b101e2e012c00203cfc4ad17b5f685112c2c59ac0a7bdfc454f331949ce87ae17b951e817b1a6e1000300000000"
)

func main() {
	data, err := hex.DecodeString(header + question + opt + tsig)
	if err != nil {
		panic(err)
	}
	m := &dns.Msg{Data: data}
	if err := m.Unpack(); err != nil {
		fmt.Printf("Unpack: %v\n", err)
		os.Exit(2)
	}
	var tsigs, opts int
	for _, rr := range m.Pseudo {
		if _, ok := rr.(*dns.TSIG); ok {
			tsigs++
		}
	}
	for _, rr := range m.Extra {
		if _, ok := rr.(*dns.OPT); ok {
			opts++
		}
	}
	fmt.Printf("unpacked a query with an OPT and a TSIG in the additional section: UDPSize %d, %d record(s) left in Extra (%d OPT), %d TSIG in Pseudo\n", m.UDPSize, len(m.Extra), opts, tsigs)
	if tsigs != 1 || opts != 0 {
		opt := dns.TSIGOption{}
		fmt.Printf("present: the TSIG is lost; TSIGVerify says: %v\n", dns.TSIGVerify(m, dns.HmacTSIG{Secret: []byte("secret")}, &opt))
		os.Exit(1)
	}
	fmt.Println("absent: the TSIG is in the pseudo section and the OPT left the additional section")
}
