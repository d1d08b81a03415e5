// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// loses DELEG (and DELEGI) data on the wire: a server-name or
// include-delegi with more than one name unpacks with the first name only,
// and a record whose server-name or include-delegi holds the root name "."
// packs into one that does not unpack.
//
// It packs a reply for example./DELEG with each record in the answer section
// and unpacks it. It exits 1 when a record does not come back as it was
// packed, 0 when all do.
package main

import (
	"fmt"
	"os"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/deleg"
	"codeberg.org/miekg/dns/rdata"
)

func main() {
	hdr := dns.Header{Name: "example.", Class: dns.ClassINET, TTL: 3600}
	records := []dns.RR{
		&dns.DELEG{Hdr: hdr, DELEG: rdata.DELEG{Value: []deleg.Info{
			&deleg.SERVERNAME{Hostnames: []string{"ns1.example.org.", "ns2.example.org."}}}}},
		&dns.DELEG{Hdr: hdr, DELEG: rdata.DELEG{Value: []deleg.Info{
			&deleg.INCLUDEDELEGI{Domains: []string{"a.example.org.", "b.example.org."}}}}},
		&dns.DELEG{Hdr: hdr, DELEG: rdata.DELEG{Value: []deleg.Info{
			&deleg.SERVERNAME{Hostnames: []string{"."}}}}},
	}
	bad := false
	for _, rr := range records {
		m := dns.NewMsg("example.", dns.TypeDELEG)
		m.Response = true
		m.Answer = []dns.RR{rr}
		if err := m.Pack(); err != nil {
			fmt.Printf("Pack %s: %v\n", rr, err)
			os.Exit(2)
		}
		r := &dns.Msg{Data: m.Data}
		if err := r.Unpack(); err != nil {
			fmt.Printf("packed  %s\n  does not unpack: %v\n", rr, err)
			bad = true
			continue
		}
		if len(r.Answer) != 1 || !dns.Equal(r.Answer[0], rr) {
			fmt.Printf("packed  %s\nunpacked %v\n", rr, r.Answer)
			bad = true
			continue
		}
		fmt.Printf("packed and unpacked %s\n", rr)
	}
	if bad {
		fmt.Println("present: DELEG server-name/include-delegi names are lost or the record does not unpack")
		os.Exit(1)
	}
	fmt.Println("absent: every DELEG record unpacks as it was packed")
}
