// Command repro shows that github.com/insomniacslk/dhcp's DHCPv6 IA Prefix
// option (OptIAPrefix, inside IA_PD) drops its IPv6 prefix when the
// prefix-length field is 0: FromBytes sets Prefix to nil, so ToBytes writes
// 16 zero octets where the prefix was. A relay or server that parses and
// re-serialises a message rewrites the client's prefix hint to "::".
//
// Exit status 1 and the evidence when the re-serialised option differs from
// the parsed one, 0 when it is the same.
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/insomniacslk/dhcp/dhcpv6"
)

func main() {
	// preferred 3600 s, valid 7200 s, prefix-length 0, prefix 2001:db8:1::
	in, _ := hex.DecodeString("00000e10" + "00001c20" + "00" + "20010db8000100000000000000000000")
	var op dhcpv6.OptIAPrefix
	if err := op.FromBytes(in); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	out := op.ToBytes()
	if !bytes.Equal(in, out) {
		fmt.Printf("present: IA Prefix with prefix-length 0 and prefix 2001:db8:1:: parses as Prefix=%v and re-serialises as %x (was %x)\n", op.Prefix, out, in)
		os.Exit(1)
	}
	fmt.Printf("absent: IA Prefix with prefix-length 0 survives FromBytes/ToBytes (Prefix=%v)\n", op.Prefix)
}
