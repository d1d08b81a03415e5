// Command dnstcp writes corpus/dns-tcp/: TCP streams for fuzz/dns's
// FuzzTCPPipeline, several length-prefixed messages pipelined in one
// connection (RFC 7766 6.2.1): hand-made queries a resolver sends to an
// authoritative server (names in and out of the zone, ANY, a large RRset,
// EDNS0 with a cookie, a TSIG-signed query, NOTIFY, UPDATE), frames the
// server must not answer (shorter than a header, a response), a cut last
// frame; and streams of three dns-wire seeds each.
//
//	go run ./corpus/gen/dnstcp [-root corpus/]
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// tsigSecret is fuzz/dns's key "xfr-key." (structured.go), which the
// FuzzTCPPipeline server holds.
const tsigSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYnk="

func query(name string, t uint16) *dns.Msg {
	m := new(dns.Msg).SetQuestion(name, t)
	m.Id = 0
	return m
}

func pack(m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

func stream(msgs ...[]byte) []byte {
	var out []byte
	for _, m := range msgs {
		out = binary.BigEndian.AppendUint16(out, uint16(len(m)))
		out = append(out, m...)
	}
	return out
}

func main() {
	root := flag.String("root", "", "corpus/ directory to write (default: the module's corpus/)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gen/dnstcp:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	edns := query("www.example.org.", dns.TypeAAAA)
	edns.SetEdns0(1232, true)
	edns.IsEdns0().Option = append(edns.IsEdns0().Option, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0123456789abcdef"})
	signed := query("example.org.", dns.TypeSOA)
	signed.SetTsig("xfr-key.", dns.HmacSHA256, 300, 1700000000) // outside the fudge: the server answers NOTAUTH
	signedWire, _, err := dns.TsigGenerate(signed, tsigSecret, "", false)
	if err != nil {
		return err
	}
	notify := query("example.org.", dns.TypeSOA)
	notify.Opcode = dns.OpcodeNotify
	update := new(dns.Msg).SetUpdate("example.org.")
	update.Id = 0
	response := query("example.org.", dns.TypeA)
	response.Response = true
	seeds := []struct {
		note string
		b    []byte
	}{
		{"three queries in the zone", stream(pack(query("www.example.org.", dns.TypeA)), pack(query("example.org.", dns.TypeMX)), pack(query("big.example.org.", dns.TypeA)))},
		{"ANY, out of the zone, a reverse name", stream(pack(query("example.org.", dns.TypeANY)), pack(query("example.com.", dns.TypeA)), pack(query("1.2.0.192.in-addr.arpa.", dns.TypePTR)))},
		{"EDNS0 with a cookie, then NOTIFY and UPDATE", stream(pack(edns), pack(notify), pack(update))},
		{"a TSIG-signed query between two plain ones", stream(pack(query("mail.example.org.", dns.TypeA)), signedWire, pack(query("nx.example.org.", dns.TypeA)))},
		{"a short frame and a response the server must not answer", stream([]byte{1, 2, 3}, pack(response), pack(query("www.example.org.", dns.TypeA)))},
		{"a cut last frame", append(stream(pack(query("www.example.org.", dns.TypeA))), 0, 40, 0, 0, 1)},
		{"an empty frame", stream(nil, pack(query("web.example.org.", dns.TypeAAAA)))},
	}
	wire, err := corpus.Dir{Root: root, Format: "dns-wire"}.Seeds()
	if err != nil {
		return err
	}
	for i := 0; i+2 < len(wire); i += 40 { // every 40th dns-wire seed and the two after it
		seeds = append(seeds, struct {
			note string
			b    []byte
		}{"pipelined dns-wire/" + filepath.Base(wire[i].Path) + " and the next two", stream(wire[i].Data, wire[i+1].Data, wire[i+2].Data)})
	}
	out := corpus.Dir{Root: root, Format: "dns-tcp"}
	added := 0
	for _, s := range seeds {
		_, isNew, err := out.Add(s.b, corpus.Provenance{Kind: corpus.KindHandmade, Source: "corpus/gen/dnstcp", Note: s.note})
		if err != nil {
			return err
		}
		if isNew {
			added++
		}
	}
	fmt.Printf("gen/dnstcp: %d new seeds in %s\n", added, out.Path())
	return nil
}
