// Command repro shows that github.com/google/gopacket's DHCPv4 decoder
// panics on a packet whose hardware-address length (hlen) is 228 or more:
// 28+hlen is computed in uint8 and wraps below 28 (google/gopacket#928).
//
// It decodes a minimal 240-octet BOOTREQUEST (magic cookie, no options) with
// hlen = 228 with layers.DHCPv4.DecodeFromBytes, and exits 1 with the panic
// when the decoder panics, 0 when it returns.
package main

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func main() {
	pkt := make([]byte, 240)
	pkt[0] = 1   // op: BOOTREQUEST
	pkt[1] = 1   // htype: Ethernet
	pkt[2] = 228 // hlen
	binary.BigEndian.PutUint32(pkt[236:240], layers.DHCPMagic)

	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("present: DHCPv4.DecodeFromBytes on a 240-octet packet with hlen 228 panicked: %v\n", r)
			os.Exit(1)
		}
	}()
	var d layers.DHCPv4
	err := d.DecodeFromBytes(pkt, gopacket.NilDecodeFeedback)
	fmt.Printf("absent: DHCPv4.DecodeFromBytes with hlen 228 returned %v\n", err)
}
