// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// rejects a whole message when its OPT record holds an EDNS0 option whose
// code it has no type for; RFC 6891 section 6.1.2 says such options MUST
// be ignored.
//
// It unpacks a query for miek.nl/A whose OPT (UDP size 1232) holds option
// 65001 (the local/experimental range, RFC 6891 section 9) with one octet
// of data. It exits 1 when Unpack fails, 0 when it reads the message.
package main

import (
	"encoding/hex"
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

const (
	query = "000301000001000000000001046d69656b026e6c0000010001" // ID 3, RD, ARCOUNT 1, miek.nl/A
	opt   = "00002904d0000000000005" + "fde9000101"              // . OPT, UDP size 1232, RDLENGTH 5: option 65001, length 1, 0x01
)

func main() {
	data, err := hex.DecodeString(query + opt)
	if err != nil {
		panic(err)
	}
	m := &dns.Msg{Data: data}
	if err := m.Unpack(); err != nil {
		fmt.Printf("present: a query whose OPT holds EDNS0 option 65001 does not unpack: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("absent: the query unpacks (UDPSize %d, %d option(s) in Pseudo)\n", m.UDPSize, len(m.Pseudo))
}
