// Command repro shows that golang.org/x/net/dns/dnsmessage's Builder, with
// compression enabled, keeps the name suffixes of an add that failed in its
// compression table. They point at bytes the next add overwrites, so a
// later name that shares a suffix is written as a pointer to other data:
// Finish succeeds, and the message names a different domain (or does not
// parse).
//
// It adds a TXT record for example.com. whose 256-octet string makes the
// add fail, then A records for example.org., www.example.com. and
// example.com., and unpacks the result. It exits 1 when the owner names
// read back are not the ones added, 0 when they are.
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

func main() {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{Response: true})
	b.EnableCompression()
	check("StartAnswers", b.StartAnswers())

	owner := dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName("example.com."), Class: dnsmessage.ClassINET}
	err := b.TXTResource(owner, dnsmessage.TXTResource{TXT: []string{strings.Repeat("x", 256)}})
	if err == nil {
		fmt.Println("a TXT string of 256 octets was accepted; the reproducer needs an add that fails")
		os.Exit(2)
	}
	fmt.Printf("TXTResource(example.com., 256-octet string) failed as it should: %v\n", err)

	want := []string{"example.org.", "www.example.com.", "example.com."}
	for i, name := range want {
		h := dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Class: dnsmessage.ClassINET}
		check("AResource "+name, b.AResource(h, dnsmessage.AResource{A: [4]byte{192, 0, 2, byte(i + 1)}}))
	}
	msg, err := b.Finish()
	check("Finish", err)

	var m dnsmessage.Message
	if err := m.Unpack(msg); err != nil {
		fmt.Printf("present: the built message does not unpack: %v\n%x\n", err, msg)
		os.Exit(1)
	}
	var got []string
	for _, a := range m.Answers {
		got = append(got, a.Header.Name.String())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		fmt.Printf("present: added A records for %q, the built message holds %q\n%x\n", want, got, msg)
		os.Exit(1)
	}
	fmt.Printf("absent: the built message holds %q as added\n", got)
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: unexpected error: %v\n", what, err)
		os.Exit(2)
	}
}
