// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// reads a DSYNC record (RFC 9859) from zone text without checking its
// fields: a type name it does not know (or "TYPE59", or any lower-case
// name) becomes type 0, a scheme other than "NOTIFY" or "1" becomes 0 (so
// the "2" its own String prints for scheme 2 does not read back), and a
// port over 65535 is taken modulo 2^16.
//
// It exits 1 when any line below is accepted with other values than
// written, 0 when each is rejected or read as written.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, tc := range []struct {
		text   string
		typ    uint16
		scheme uint8
		port   uint16
		valid  bool
	}{
		{"a.example. 3600 IN DSYNC FOO NOTIFY 5300 ds.example.", 0, 0, 0, false},
		{"a.example. 3600 IN DSYNC CDS BAR 5300 ds.example.", 0, 0, 0, false},
		{"a.example. 3600 IN DSYNC CDS NOTIFY 70836 ds.example.", 0, 0, 0, false},
		{"a.example. 3600 IN DSYNC TYPE59 NOTIFY 5300 ds.example.", dns.TypeCDS, 1, 5300, true},
		{"a.example. 3600 IN DSYNC cds NOTIFY 5300 ds.example.", dns.TypeCDS, 1, 5300, true},
		{"a.example. 3600 IN DSYNC CDS 2 5300 ds.example.", dns.TypeCDS, 2, 5300, true},
	} {
		rr, err := dns.New(tc.text)
		switch {
		case err != nil && !tc.valid:
			fmt.Printf("absent: %q rejected: %v\n", tc.text, err)
		case err != nil:
			fmt.Printf("setup: %q: %v\n", tc.text, err)
			os.Exit(2)
		case !tc.valid:
			present = true
			fmt.Printf("present: %q accepted as %q\n", tc.text, rr.String())
		default:
			d := rr.(*dns.DSYNC)
			if d.Type != tc.typ || d.Scheme != tc.scheme || d.Port != tc.port {
				present = true
				fmt.Printf("present: %q read as %q (type %d, scheme %d, port %d)\n", tc.text, rr.String(), d.Type, d.Scheme, d.Port)
				continue
			}
			fmt.Printf("absent: %q read as %q\n", tc.text, rr.String())
		}
	}
	if present {
		os.Exit(1)
	}
}
