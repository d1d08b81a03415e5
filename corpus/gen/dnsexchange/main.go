// Command dnsexchange writes corpus/dns-exchange/: scripts for
// fuzz/dns's FuzzClientExchange (a flags byte, up to 4 length-prefixed UDP
// datagrams, the TCP reply) built from the dns-wire seeds: a matching
// reply, a spoofed reply of another ID before the real one, a malformed
// datagram first, a truncated UDP reply answered in full over TCP, and a
// TCP reply of the wrong ID.
//
//	go run ./corpus/gen/dnsexchange [-root corpus/]
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

func datagram(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
}

func main() {
	root := flag.String("root", "", "corpus/ directory to write (default: the module's corpus/)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gen/dnsexchange:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	wire, err := corpus.Dir{Root: root, Format: "dns-wire"}.Seeds()
	if err != nil {
		return err
	}
	out := corpus.Dir{Root: root, Format: "dns-exchange"}
	added, n := 0, 0
	add := func(b []byte, note string) error {
		n++
		_, isNew, err := out.Add(b, corpus.Provenance{Kind: corpus.KindHandmade, Source: "corpus/gen/dnsexchange", Note: note})
		if isNew {
			added++
		}
		return err
	}
	for i, s := range wire {
		if i%12 != 0 || len(s.Data) < 12 {
			continue // every 12th dns-wire seed: ~100 replies of every shape
		}
		msg := s.Data
		tc := append([]byte(nil), msg...)
		tc[2] |= 0x02 // TC
		other := append([]byte(nil), msg...)
		other[0] ^= 0xff
		scripts := []struct {
			b    []byte
			note string
		}{
			{append([]byte{1}, datagram(msg)...), "matching reply " + "dns-wire/" + filepath.Base(s.Path)},
			{append(append([]byte{0}, datagram(other)...), datagram(msg)...), "another ID first, then the sentinel " + "dns-wire/" + filepath.Base(s.Path)},
			{append(append(append([]byte{1}, datagram(tc)...), datagram(msg)...), msg...), "truncated over UDP, full over TCP " + "dns-wire/" + filepath.Base(s.Path)},
		}
		for _, sc := range scripts {
			if err := add(sc.b, sc.note); err != nil {
				return err
			}
		}
	}
	if err := add(append(append([]byte{1}, datagram([]byte{1, 2, 3})...), datagram(wire[0].Data)...), "malformed datagram first"); err != nil {
		return err
	}
	fmt.Printf("dns-exchange: %d seeds (%d new)\n", n, added)
	return nil
}
