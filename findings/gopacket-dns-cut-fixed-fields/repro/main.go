// Command repro shows that github.com/google/gopacket's DNS decoder panics
// on a message that ends right after a question's or a resource record's
// name: DNSQuestion.decode and DNSResourceRecord.decode read the fixed
// fields after the name (TYPE, CLASS, and for a record TTL and RDLENGTH)
// without checking that the message holds them.
//
// It decodes two 13-octet messages with layers.DNS.DecodeFromBytes: a
// header with QDCOUNT 1 and a root name, and a header with ANCOUNT 1 and a
// root name. It exits 1 when either panics, 0 when both return an error.
package main

import (
	"fmt"
	"os"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func main() {
	msgs := []struct {
		what string
		data []byte
	}{
		{"a question (QDCOUNT 1) cut after its name", []byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
		{"an answer (ANCOUNT 1) cut after its name", []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}},
	}
	present := false
	for _, m := range msgs {
		if r := decode(m.data); r != nil {
			fmt.Printf("present: DNS.DecodeFromBytes(%x), %s, panicked: %v\n", m.data, m.what, r)
			present = true
		}
	}
	if present {
		os.Exit(1)
	}
}

// decode returns what DecodeFromBytes panicked with, or nil.
func decode(data []byte) (r any) {
	defer func() { r = recover() }()
	var d layers.DNS
	err := d.DecodeFromBytes(data, gopacket.NilDecodeFeedback)
	fmt.Printf("absent: DNS.DecodeFromBytes(%x) returned %v\n", data, err)
	return nil
}
