// Command repro shows that github.com/miekg/dns's zone parser sets an NSEC3
// record's hash length to 20 whatever the length of its next hashed owner
// name, so a record whose next hashed owner is not 20 octets packs to RDATA
// whose hash-length field disagrees with the hash that follows it.
//
// Exit status 1 and the evidence when the parsed hash length differs from
// the decoded hash's or the record does not survive pack/unpack; 0 otherwise.
package main

import (
	"encoding/base32"
	"fmt"
	"os"

	"github.com/miekg/dns"
)

var b32 = base32.HexEncoding.WithPadding(base32.NoPadding)

func main() {
	present := false
	for _, size := range []int{20, 23, 10} { // 20 (SHA-1) is the control
		hash := make([]byte, size)
		for i := range hash {
			hash[i] = byte(0x17 * (i + 1))
		}
		next := b32.EncodeToString(hash)
		text := "H9P7U7TR2U91D0V0LJS9L1GIDNP90U3H.example.org. 3600 IN NSEC3 1 1 12 AABBCCDD " + next + " A"
		rr, err := dns.NewRR(text)
		if err != nil {
			fmt.Fprintln(os.Stderr, "repro:", err)
			os.Exit(2)
		}
		n := rr.(*dns.NSEC3)
		buf := make([]byte, 512)
		off, err := dns.PackRR(rr, buf, 0, nil, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, "repro: pack:", err)
			os.Exit(2)
		}
		back, _, uerr := dns.UnpackRR(buf[:off], 0)
		switch {
		case int(n.HashLength) != len(hash):
			var got string
			if uerr != nil {
				got = "error: " + uerr.Error()
			} else {
				got = back.String()
			}
			fmt.Printf("present: next hashed owner of %d octets parsed with HashLength %d; pack/unpack gives %s\n", len(hash), n.HashLength, got)
			present = true
		case uerr != nil || back.String() != rr.String():
			fmt.Printf("present: next hashed owner of %d octets does not survive pack/unpack: %v %v\n", len(hash), back, uerr)
			present = true
		default:
			fmt.Printf("absent: next hashed owner of %d octets: HashLength %d, survives pack/unpack\n", len(hash), n.HashLength)
		}
	}
	if present {
		os.Exit(1)
	}
}
