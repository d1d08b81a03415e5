// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// packs a message with two questions into one whose QDCOUNT is 2 but that
// holds only the first question, so the message does not unpack (or, with
// records after it, unpacks wrong: the first answer is read as the second
// question). Its own server replies this way to every query with two
// questions: DefaultMsgAcceptFunc rejects it, and the FORMERR reply packs
// the query's questions.
//
// It packs a query for miek.nl/A and miek.nl/AAAA and unpacks it, then sends
// the same query (both questions on the wire) to a v2 server on 127.0.0.1
// and unpacks its FORMERR reply. It exits 1 when either does not unpack with its two
// questions, 0 when both do.
package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"time"

	"codeberg.org/miekg/dns"
)

const (
	header   = "000301000002000000000000" // ID 3, RD, QDCOUNT 2
	question = "046d69656b026e6c00"       // miek.nl.
)

func main() {
	m := dns.NewMsg("miek.nl.", dns.TypeA)
	m.ID = 3
	m.Question = append(m.Question, &dns.AAAA{Hdr: dns.Header{Name: "miek.nl.", Class: dns.ClassINET}})
	if err := m.Pack(); err != nil {
		fmt.Printf("Pack: %v\n", err)
		os.Exit(2)
	}
	bad := check("packed query", m.Data)

	// The same query as a resolver would send it, both questions on the wire.
	query, err := hex.DecodeString(header + question + "00010001" + question + "001c0001")
	if err != nil {
		panic(err)
	}

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Printf("listen: %v\n", err)
		os.Exit(2)
	}
	srv := &dns.Server{Net: "udp", PacketConn: pc}
	go srv.ListenAndServe()
	defer srv.Shutdown(context.Background())

	conn, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		fmt.Printf("dial: %v\n", err)
		os.Exit(2)
	}
	defer conn.Close()
	buf := make([]byte, 512)
	n := 0
	for try := 0; try < 10 && n == 0; try++ { // the server may not read yet
		conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := conn.Write(query); err != nil {
			fmt.Printf("write: %v\n", err)
			os.Exit(2)
		}
		n, _ = conn.Read(buf)
	}
	if n == 0 {
		fmt.Println("no reply from the server")
		os.Exit(2)
	}
	bad = check("server's FORMERR reply", buf[:n]) || bad

	if bad {
		fmt.Println("present: Pack writes QDCOUNT 2 but packs one question")
		os.Exit(1)
	}
	fmt.Println("absent: both messages unpack with their two questions")
}

// check unpacks data and reports whether it is malformed.
func check(what string, data []byte) bool {
	qdcount := binary.BigEndian.Uint16(data[4:])
	r := &dns.Msg{Data: data}
	if err := r.Unpack(); err != nil {
		fmt.Printf("%s: %d octets, QDCOUNT %d: does not unpack: %v\n", what, len(data), qdcount, err)
		return true
	}
	fmt.Printf("%s: %d octets, QDCOUNT %d: unpacks with %d question(s), rcode %s\n", what, len(data), qdcount, len(r.Question), dns.RcodeToString[r.Rcode])
	return len(r.Question) != 2
}
