// Command repro shows that github.com/insomniacslk/dhcp's dhcpv4.ToBytes
// panics when one of the packet's address fields (ciaddr, yiaddr, siaddr,
// giaddr) holds an IPv6 address, instead of writing zeros as it does for a
// nil one.
//
// Exit status 1 and the panic when ToBytes panics, 0 when it returns.
package main

import (
	"fmt"
	"net"
	"os"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func main() {
	d, err := dhcpv4.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	d.YourIPAddr = net.ParseIP("2001:db8::1")

	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("present: ToBytes with YourIPAddr 2001:db8::1 panicked: %v\n", r)
			os.Exit(1)
		}
	}()
	b := d.ToBytes()
	fmt.Printf("absent: ToBytes with YourIPAddr 2001:db8::1 returned %d octets, yiaddr %v\n", len(b), net.IP(b[16:20]))
}
