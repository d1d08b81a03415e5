// Command repro shows that github.com/insomniacslk/dhcp's rfc1035label
// encoder writes a label longer than 63 octets with a length octet whose top
// bits are set, so the encoded domain-search option (DHCPv4 option 119,
// DHCPv6 option 24) reads back as a compression pointer or fails to parse.
//
// Exit status 1 and the evidence when a domain with a 200-octet label does
// not come back from ToBytes/FromBytes as itself (or as an error-free
// omission), 0 otherwise.
package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/insomniacslk/dhcp/rfc1035label"
)

func main() {
	long := strings.Repeat("a", 200) + ".example"
	in := &rfc1035label.Labels{Labels: []string{long, "example.org"}}
	wire := in.ToBytes()
	out, err := rfc1035label.FromBytes(wire)
	switch {
	case len(wire) > 0 && wire[0]&0xc0 != 0:
		fmt.Printf("present: label of 200 octets encoded with length octet 0x%02x (top bits set: a compression pointer or reserved type); FromBytes gives %v, err %v\n", wire[0], labelsOf(out), err)
		os.Exit(1)
	case err != nil:
		fmt.Printf("present: the encoded search list does not parse: %v\n", err)
		os.Exit(1)
	case !slices.Equal(out.Labels, in.Labels) && !slices.Equal(out.Labels, []string{"example.org"}):
		fmt.Printf("present: encoded %q, decoded %q\n", in.Labels, out.Labels)
		os.Exit(1)
	}
	fmt.Printf("absent: encoded %d domains with a 200-octet label, decoded %q\n", len(in.Labels), out.Labels)
}

func labelsOf(l *rfc1035label.Labels) []string {
	if l == nil {
		return nil
	}
	return l.Labels
}
