// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// does not enforce the order of SVCB/HTTPS SvcParamKeys (RFC 9460 section
// 2.2: keys SHALL appear in increasing numeric order, and clients MUST
// consider an RR whose keys are not in strictly increasing order
// malformed): Unpack accepts keys out of order, and Pack writes them in
// the order they were given.
//
// It unpacks a reply whose HTTPS record (priority 1, target ".") has port
// (key 3) before alpn (key 1), and packs an HTTPS record built with port
// before alpn. It exits 1 when Unpack accepts the record or Pack writes
// key 3 first, 0 when Unpack rejects it and Pack writes key 1 first.
package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/svcb"
)

const (
	params = "0003000201bb" + "00010003026832" // port=443, then alpn=h2
	reply  = "000381800001000100000000" +      // ID 3, QR RD RA, QDCOUNT 1, ANCOUNT 1
		"076578616d706c6503636f6d0000410001" + // example.com. HTTPS IN
		"c00c00410001" + "0000003c" + "0010" + "0001" + "00" + params // HTTPS 1 . port alpn
)

func main() {
	data, err := hex.DecodeString(reply)
	if err != nil {
		panic(err)
	}
	present := false
	m := &dns.Msg{Data: data}
	if err := m.Unpack(); err == nil {
		fmt.Printf("present: Unpack accepts an HTTPS record with key 3 before key 1: %s\n", m.Answer[0])
		present = true
	} else {
		fmt.Printf("absent: Unpack rejects keys out of order: %v\n", err)
	}

	rr := &dns.HTTPS{}
	rr.Hdr = dns.Header{Name: "example.com.", Class: dns.ClassINET, TTL: 60}
	rr.Priority, rr.Target = 1, "."
	rr.Value = []svcb.Pair{&svcb.PORT{Port: 443}, &svcb.ALPN{Alpn: []string{"h2"}}}
	out := &dns.Msg{Answer: []dns.RR{rr}}
	if err := out.Pack(); err != nil {
		fmt.Printf("Pack: %v\n", err)
		os.Exit(2)
	}
	if wire := hex.EncodeToString(out.Data); strings.HasSuffix(wire, params) {
		fmt.Printf("present: Pack writes port (key 3) before alpn (key 1): %s\n", wire)
		present = true
	} else {
		fmt.Printf("absent: Pack writes the keys in increasing order: %s\n", wire)
	}
	if present {
		os.Exit(1)
	}
}
