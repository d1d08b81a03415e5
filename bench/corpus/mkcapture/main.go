// Command mkcapture writes a large synthetic capture for the `corpus import`
// benchmark, streaming, with gopacket's pcapgo: DNS over UDP and TCP (three
// length-framed messages per connection, the second segment sent before the
// first), NTP, DHCPv4 and DHCPv6 payloads taken from the repository's seeds
// (DNS message IDs drawn from 16 values, so payloads repeat as in real
// traffic), and bulk port-443 noise the importer must skip.
//
//	go run ./bench/corpus/mkcapture -mb 100 -o /tmp/bench/capture.pcap
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"

	"github.com/google/gopacket/layers"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport/pcaptest"
)

func main() {
	mb := flag.Int("mb", 100, "capture size in MiB")
	out := flag.String("o", "", "capture file to write (required)")
	src := flag.String("src", "corpus", "corpus root to take payloads from")
	flag.Parse()
	if *out == "" {
		log.Fatal("mkcapture: -o is required")
	}
	load := func(format string) [][]byte {
		seeds, err := corpus.Dir{Root: *src, Format: format}.Seeds()
		if err != nil {
			log.Fatal(err)
		}
		var out [][]byte
		for _, s := range seeds {
			out = append(out, s.Data)
		}
		return out
	}
	dns, ntp, dhcp4, dhcp6 := load("dns-wire"), load("ntp"), load("dhcpv4"), load("dhcpv6")
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	cw := &countWriter{w: bufio.NewWriterSize(f, 1<<20)}
	w, err := pcaptest.NewPcap(cw, layers.LinkTypeEthernet)
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 1200)
	packets := 0
	write := func(p pcaptest.Packet) {
		if err := w.Write(p); err != nil {
			log.Fatal(err)
		}
		packets++
	}
	dnsMsg := func() []byte {
		m := append([]byte(nil), dns[rng.IntN(len(dns))]...)
		if len(m) >= 2 {
			m[0], m[1] = 0xd0, byte(rng.IntN(16))
		}
		return m
	}
	limit := int64(*mb) << 20
	var seq uint32
	for cw.n < limit {
		switch k := rng.IntN(20); {
		case k < 8:
			write(pcaptest.UDP(layers.LinkTypeEthernet, false, uint16(30000+rng.IntN(20000)), 53, dnsMsg()))
		case k < 10:
			write(pcaptest.UDP(layers.LinkTypeEthernet, false, 123, 123, ntp[rng.IntN(len(ntp))]))
		case k < 11:
			write(pcaptest.UDP(layers.LinkTypeEthernet, false, 68, 67, dhcp4[rng.IntN(len(dhcp4))]))
		case k < 12:
			write(pcaptest.UDP(layers.LinkTypeEthernet, true, 546, 547, dhcp6[rng.IntN(len(dhcp6))]))
		case k < 14:
			var stream []byte
			for range 3 {
				m := dnsMsg()
				stream = append(stream, byte(len(m)>>8), byte(len(m)))
				stream = append(stream, m...)
			}
			sport := uint16(30000 + rng.IntN(20000))
			seq += 100000
			half := len(stream) / 2
			write(pcaptest.TCP(sport, 53, seq, "S", nil))
			write(pcaptest.TCP(sport, 53, seq+1+uint32(half), "", stream[half:]))
			write(pcaptest.TCP(sport, 53, seq+1, "", stream[:half]))
			write(pcaptest.TCP(sport, 53, seq+1+uint32(len(stream)), "F", nil))
		default:
			write(pcaptest.UDP(layers.LinkTypeEthernet, false, uint16(30000+rng.IntN(20000)), 443, noise))
		}
	}
	if err := cw.w.(*bufio.Writer).Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d packets, %d bytes\n", *out, packets, cw.n)
}

type countWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
