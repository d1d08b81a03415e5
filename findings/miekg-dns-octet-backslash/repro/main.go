// Command repro shows that github.com/miekg/dns changes a URI target or CAA
// value that holds a backslash when a record unpacked from the wire is
// packed again: unpackStringOctet stores the octets raw, but
// packOctetString reads backslash escapes, so "a\b" on the wire goes out as
// "ab" (and "\065" as "A").
//
// Exit status 1 and the evidence when a repack changes the RDATA, 0 when it
// is octet-for-octet the same.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	present := false
	for _, c := range []struct {
		typ   uint16
		rdata []byte
	}{
		{dns.TypeURI, append([]byte{0, 10, 0, 1}, `ftp://a\b`...)},    // priority 10, weight 1, target `ftp://a\b`
		{dns.TypeCAA, append([]byte{0, 5}, `issueca\065.example`...)}, // flags 0, tag "issue", value `ca\065.example`
	} {
		rr := wire(c.typ, c.rdata)
		buf := make([]byte, 512)
		n, err := dns.PackRR(rr, buf, 0, nil, false)
		if err != nil {
			fail(err)
		}
		out := buf[n-int(rr.Header().Rdlength) : n]
		if !bytes.Equal(c.rdata, out) {
			fmt.Printf("present: %s RDATA %q unpacks to %q and repacks as %q\n", dns.TypeToString[c.typ], c.rdata, rr.String(), out)
			present = true
			continue
		}
		fmt.Printf("absent: %s RDATA %q survives unpack/pack (%q)\n", dns.TypeToString[c.typ], c.rdata, rr.String())
	}
	if present {
		os.Exit(1)
	}
}

// wire builds the record example.org. 3600 IN <typ> from raw RDATA, through
// the wire format, as a client would receive it.
func wire(typ uint16, rdata []byte) dns.RR {
	msg := []byte{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		byte(typ >> 8), byte(typ), 0, 1, 0, 0, 0x0e, 0x10, byte(len(rdata) >> 8), byte(len(rdata))}
	rr, _, err := dns.UnpackRR(append(msg, rdata...), 0)
	if err != nil {
		fail(err)
	}
	return rr
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "repro:", err)
	os.Exit(2)
}
