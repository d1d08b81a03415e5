// Command repro shows that github.com/miekg/dns unpacks a record whose RDATA
// ends before the record's fields do (no RDATA at all, or RDATA cut after a
// field), leaves the missing fields zero, and that Msg.Pack then writes those
// zero fields as RDATA: the repacked message is not the one received, and
// here it does not even unpack.
//
// It unpacks three messages, packs each again and unpacks the result. It
// exits 1 when a message unpacks but its repacked form differs in a way that
// does not unpack (or, for the valid update, differs at all), 0 when every
// message is either rejected or repacked faithfully.
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/miekg/dns"
)

type message struct {
	name string
	wire string
	// valid says the message is well-formed, so it must also unpack and
	// repack byte for byte; a malformed one may be rejected instead.
	valid bool
}

var messages = []message{
	{
		// A response with an NSEC3 whose 5 octets of RDATA stop after the
		// salt length (235): hash algorithm 0, flags 0, iterations 0, salt
		// length 0xeb, and no salt, hash length, next hashed owner or bitmap.
		// (An RDLENGTH 0 record of type 0 comes first; ANCOUNT claims more.)
		name: "NSEC3 cut after its salt length",
		wire: "0000" + "0000" + "0000" + "6400" + "0000" + "0000" +
			"00" + "0000" + "0000" + "00000000" + "0000" +
			"00" + "0032" + "0000" + "00000000" + "0005" + "00000000eb",
	},
	{
		// A reply to "xn--bcher-kva.example.test. A" with, in the authority
		// section, a SOA (owner example.test. by compression pointer) whose
		// RDLENGTH is 0: what a broken or hostile upstream sends a forwarder.
		name: "SOA with RDLENGTH 0 in a reply",
		wire: "0000" + "8500" + "0001" + "0000" + "0001" + "0000" +
			"0d786e2d2d62636865722d6b7661076578616d706c65047465737400" + "0001" + "0001" +
			"c01a" + "0006" + "0000" + "00000000" + "0000",
	},
	{
		// An RFC 2136 update for zone example.org. whose prerequisite is
		// "RRset exists (value independent)": SOA, CLASS ANY, RDLENGTH 0
		// (section 2.4.1). A valid message, without compression so that
		// Pack (which does not compress by default) gives it back as it is.
		name: "UPDATE with a SOA prerequisite without RDATA (RFC 2136 2.4.1)",
		wire: "1234" + "2800" + "0001" + "0001" + "0000" + "0000" +
			"076578616d706c65036f726700" + "0006" + "0001" +
			"076578616d706c65036f726700" + "0006" + "00ff" + "00000000" + "0000",
		valid: true,
	},
}

func main() {
	present := false
	for _, m := range messages {
		wire, err := hex.DecodeString(m.wire)
		if err != nil {
			panic(err)
		}
		var msg dns.Msg
		if err := msg.Unpack(wire); err != nil {
			if m.valid {
				fmt.Printf("present: %s: a valid message does not unpack: %v\n", m.name, err)
				present = true
				continue
			}
			fmt.Printf("absent: %s: rejected: %v\n", m.name, err)
			continue
		}
		repacked, err := msg.Pack()
		if err != nil {
			fmt.Printf("absent: %s: unpacked, but Pack refuses it: %v\n", m.name, err)
			continue
		}
		var again dns.Msg
		switch err := again.Unpack(repacked); {
		case err != nil:
			fmt.Printf("present: %s: unpacked, and its repacked form (%d octets, from %d) does not unpack: %v\n", m.name, len(repacked), len(wire), err)
			present = true
		case m.valid && !bytes.Equal(repacked, wire):
			fmt.Printf("present: %s: repacked as %x, want %x\n", m.name, repacked, wire)
			present = true
		case m.valid:
			fmt.Printf("absent: %s: repacked byte for byte\n", m.name)
		default:
			fmt.Printf("absent: %s: repacked into a message that unpacks\n", m.name)
		}
	}
	if present {
		os.Exit(1)
	}
}
