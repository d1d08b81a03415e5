// Command repro shows that github.com/insomniacslk/dhcp's
// netboot.ConversationToNetconf panics (nil pointer dereference) on a
// rapid-commit DHCPv6 conversation (RFC 8415 section 18.2.1: SOLICIT with
// Rapid Commit, answered by a REPLY, no ADVERTISE) whose REPLY assigns an
// address but carries no boot file URL: it falls back to the URL of the
// ADVERTISE without checking that there was one.
//
// Exit status 1 and the panic when ConversationToNetconf panics, 0 when it
// returns (the expected "no bootfile URL option found" error).
package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/netboot"
)

func main() {
	hw, _ := net.ParseMAC("aa:bb:cc:dd:ee:ff")
	solicit, err := dhcpv6.NewSolicit(hw, dhcpv6.WithRapidCommit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	reply, err := dhcpv6.NewReplyFromMessage(solicit,
		dhcpv6.WithRapidCommit,
		dhcpv6.WithIANA(dhcpv6.OptIAAddress{
			IPv6Addr:          net.ParseIP("2001:db8::100"),
			PreferredLifetime: time.Hour,
			ValidLifetime:     2 * time.Hour,
		}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("present: ConversationToNetconf([SOLICIT, REPLY]) with an IA_NA and no boot file URL panics: %v\n", r)
			os.Exit(1)
		}
	}()
	_, err = netboot.ConversationToNetconf([]dhcpv6.DHCPv6{solicit, reply})
	fmt.Printf("absent: ConversationToNetconf([SOLICIT, REPLY]) returns the error %v\n", err)
}
