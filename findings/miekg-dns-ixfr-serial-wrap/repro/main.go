// Command repro shows that github.com/miekg/dns's Transfer.In ends an
// IXFR after the first message and reports it complete when the query's
// serial is numerically at least the primary's, though RFC 1995 compares
// serials in RFC 1982 arithmetic: a secondary at 0xfffffff0 asking a
// primary at 5 (newer, across the wrap) receives the primary's SOA alone
// as a complete, "up to date" transfer, and the zone's records are never
// read.
//
// Exit status 1 and the evidence when Transfer.In reports a complete
// transfer of only the first message, 0 when it reads the whole reply.
package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/miekg/dns"
)

func main() {
	soa, _ := dns.NewRR("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 5 7200 3600 1209600 300")
	a, _ := dns.NewRR("www.example.org. 3600 IN A 192.0.2.80")
	q := new(dns.Msg)
	q.SetIxfr("example.org.", 0xfffffff0, "ns1.example.org.", "hostmaster.example.org.")
	client, server := net.Pipe()
	go primary(server, q.Id, [][]dns.RR{{soa}, {a}, {soa}}) // AXFR-style reply: SOA, records, SOA
	t := &dns.Transfer{Conn: &dns.Conn{Conn: client}}
	ch, err := t.In(q, "primary")
	if err != nil {
		panic(err)
	}
	var envs []*dns.Envelope
	for e := range ch {
		envs = append(envs, e)
	}
	last := envs[len(envs)-1]
	fmt.Printf("IXFR from serial %#x, primary at 5 (3 messages: SOA | A | SOA): %d envelope(s), last error %v, records %v\n", uint32(0xfffffff0), len(envs), last.Error, last.RR)
	if len(envs) == 1 && last.Error == nil {
		fmt.Println("present: the transfer is reported complete after the first message")
		os.Exit(1)
	}
}

// primary reads the query and sends one message per record list.
func primary(conn net.Conn, id uint16, msgs [][]dns.RR) {
	defer conn.Close()
	var n uint16
	if binary.Read(conn, binary.BigEndian, &n) != nil {
		return
	}
	if _, err := io.CopyN(io.Discard, conn, int64(n)); err != nil {
		return
	}
	for _, rrs := range msgs {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeIXFR)
		m.Id, m.Response, m.Answer = id, true, rrs
		b, err := m.Pack()
		if err != nil {
			panic(err)
		}
		if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)); err != nil {
			return
		}
	}
}
