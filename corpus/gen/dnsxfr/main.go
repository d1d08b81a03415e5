// Command dnsxfr writes corpus/dns-xfr/: scripts for fuzz/dns's
// FuzzTransfer (a flags byte, the IXFR query's serial, length-prefixed
// reply frames) in the shapes primaries send: AXFR in one message and in
// several (RFC 5936 2.2, the opening SOA alone first as BIND does), IXFR
// answered up to date with one SOA, incrementally (RFC 1995 section 7's
// JAIN.AD.JP example) and AXFR-style, TSIG over the stream, and the
// failures a secondary must catch: a wrong ID, an error RCODE, no leading
// SOA, a stream cut short.
//
//	go run ./corpus/gen/dnsxfr [-root corpus/]
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

const (
	axfr    = 0
	ixfr    = 1
	tsig    = 2
	patchID = 4
)

func rrs(lines ...string) []dns.RR {
	var out []dns.RR
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			panic(l + ": " + err.Error())
		}
		out = append(out, rr)
	}
	return out
}

func soa(serial int) string {
	return fmt.Sprintf("example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. %d 7200 3600 1209600 300", serial)
}

var zone = []string{
	"example.org. 3600 IN NS ns1.example.org.",
	"example.org. 3600 IN NS ns2.example.net.",
	"example.org. 3600 IN MX 10 mail.example.org.",
	`example.org. 3600 IN TXT "v=spf1 mx -all"`,
	"ns1.example.org. 3600 IN A 192.0.2.53",
	"ns1.example.org. 3600 IN AAAA 2001:db8::53",
	"mail.example.org. 3600 IN A 192.0.2.25",
	"www.example.org. 3600 IN CNAME web.example.org.",
	"web.example.org. 3600 IN A 192.0.2.80",
	"_sip._udp.example.org. 3600 IN SRV 10 60 5060 sip.example.org.",
	"example.org. 3600 IN HTTPS 1 . alpn=h2,h3",
	"sub.example.org. 3600 IN DS 12345 13 2 8f3b2a6ff33ab6c8b2f9b7a1e24e9cfd4e0e4ab5f3d4e0c6e8f1a2b3c4d5e6f7",
}

// frame packs one reply message with the given answer records.
func frame(rcode int, answer []dns.RR) []byte {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeAXFR)
	m.Id = 0x5eed // patched by FuzzTransfer where the flags say; fixed so the seeds are reproducible
	m.Response, m.Authoritative, m.Rcode = true, true, rcode
	m.Answer = answer
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

func script(flags byte, serial uint32, frames ...[]byte) []byte {
	out := binary.BigEndian.AppendUint32([]byte{flags}, serial)
	for _, f := range frames {
		out = binary.BigEndian.AppendUint16(out, uint16(len(f)))
		out = append(out, f...)
	}
	return out
}

func main() {
	root := flag.String("root", "", "corpus/ directory to write (default: the module's corpus/)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gen/dnsxfr:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	whole := rrs(append(append([]string{soa(2024010101)}, zone...), soa(2024010101))...)
	// RFC 1995 section 7: JAIN.AD.JP. from serial 1 to 3.
	jain := rrs(
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 3 600 600 3600000 604800",
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 1 600 600 3600000 604800",
		"nezu.example.org. 3600 IN A 133.69.136.5",
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2 600 600 3600000 604800",
		"jain-bb.example.org. 3600 IN A 133.69.136.4",
		"jain-bb.example.org. 3600 IN A 192.41.197.2",
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2 600 600 3600000 604800",
		"jain-bb.example.org. 3600 IN A 133.69.136.4",
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 3 600 600 3600000 604800",
		"jain-bb.example.org. 3600 IN A 133.69.136.3",
		"example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 3 600 600 3600000 604800",
	)
	seeds := []struct {
		note string
		b    []byte
	}{
		{"AXFR in one message", script(axfr|patchID, 0, frame(0, whole))},
		{"AXFR in three messages, the opening SOA alone first", script(axfr|patchID, 0, frame(0, whole[:1]), frame(0, whole[1:7]), frame(0, whole[7:]))},
		{"AXFR over TSIG in two messages", script(axfr|patchID|tsig, 0, frame(0, whole[:6]), frame(0, whole[6:]))},
		{"AXFR over TSIG, second message unsigned (RFC 8945 5.3.1 allows it)", script(axfr|patchID|tsig|0x20, 0, frame(0, whole[:4]), frame(0, whole[4:9]), frame(0, whole[9:]))},
		{"AXFR cut short", script(axfr|patchID, 0, frame(0, whole[:6]))},
		{"AXFR refused", script(axfr|patchID, 0, frame(dns.RcodeRefused, nil))},
		{"AXFR without a leading SOA", script(axfr|patchID, 0, frame(0, whole[1:]))},
		{"AXFR reply of another ID", script(axfr, 0, frame(0, whole))},
		{"AXFR, last frame cut", append(script(axfr|patchID, 0, frame(0, whole[:6])), 0x01, 0x00, 0x12, 0x34)},
		{"IXFR up to date: one SOA", script(ixfr|patchID, 2024010101, frame(0, whole[:1]))},
		{"IXFR incremental, RFC 1995 section 7", script(ixfr|patchID, 1, frame(0, jain))},
		{"IXFR incremental in three messages over TSIG", script(ixfr|patchID|tsig, 1, frame(0, jain[:3]), frame(0, jain[3:8]), frame(0, jain[8:]))},
		{"IXFR answered AXFR-style", script(ixfr|patchID, 2024010100, frame(0, whole[:5]), frame(0, whole[5:]))},
		{"IXFR across the serial wrap (RFC 1982)", script(ixfr|patchID, 0xfffffff0, frame(0, rrs(soa(5))), frame(0, whole[1:len(whole)-1]), frame(0, rrs(soa(5))))},
		{"IXFR server error", script(ixfr|patchID, 1, frame(dns.RcodeServerFailure, nil))},
	}
	out := corpus.Dir{Root: root, Format: "dns-xfr"}
	added := 0
	for _, s := range seeds {
		_, isNew, err := out.Add(s.b, corpus.Provenance{Kind: corpus.KindHandmade, Source: "corpus/gen/dnsxfr", Note: s.note})
		if err != nil {
			return err
		}
		if isNew {
			added++
		}
	}
	fmt.Printf("gen/dnsxfr: %d new seeds in %s\n", added, out.Path())
	return nil
}
