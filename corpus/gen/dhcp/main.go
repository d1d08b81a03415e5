// Command dhcp regenerates daemonfuzz's hand-made DHCP seeds: corpus/dhcpv4
// and corpus/dhcpv6 (packets on the wire), corpus/dhcp-label (RFC 1035 name
// lists as used by DHCP options 119 and 24), corpus/dhcp-client4 (rogue
// server replies for the nclient4 target), corpus/dhcp-client6 (the same
// for nclient6), corpus/dhcp-exchange4 and corpus/dhcp-exchange6 (scripts
// for the DHCPv4 and DHCPv6 stateful exchange targets), corpus/dhcp-rawudp4 (IPv4 frames for
// the nclient4 raw socket layer), corpus/dhcp-listen (daemon configurations
// for NSListen), and the dictionaries corpus/dhcpv4.dict
// and corpus/dhcpv6.dict. Every packet is built with the library's own
// constructors and modifiers (or, where the library cannot express it, such
// as option overload, by editing its output) and stored through
// internal/corpus Dir.Add, which names it by content and records its
// provenance. Run it from anywhere inside the module:
//
//	go run ./corpus/gen/dhcp
//
// The output is deterministic (fixed transaction IDs, DUID times, MACs), so
// regenerating adds nothing; seeds already present keep their first
// provenance.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// seed is one generated input with the note recorded in the manifest.
type seed struct {
	data []byte
	note string
}

func main() {
	rootFlag := flag.String("root", "", "corpus/ directory to write (default: the module's corpus/)")
	flag.Parse()
	if err := run(*rootFlag); err != nil {
		fmt.Fprintln(os.Stderr, "gen/dhcp:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	v4, err := v4Seeds()
	if err != nil {
		return fmt.Errorf("build dhcpv4 seeds: %w", err)
	}
	v6, err := v6Seeds()
	if err != nil {
		return fmt.Errorf("build dhcpv6 seeds: %w", err)
	}
	client, err := client4Seeds()
	if err != nil {
		return fmt.Errorf("build dhcp-client4 seeds: %w", err)
	}
	client6, err := client6Seeds()
	if err != nil {
		return fmt.Errorf("build dhcp-client6 seeds: %w", err)
	}
	raw, err := rawUDP4Seeds()
	if err != nil {
		return fmt.Errorf("build dhcp-rawudp4 seeds: %w", err)
	}
	sets := []struct {
		format string
		seeds  []seed
	}{
		{"dhcpv4", v4},
		{"dhcpv6", v6},
		{"dhcp-label", labelSeeds()},
		{"dhcp-client4", client},
		{"dhcp-client6", client6},
		{"dhcp-exchange4", exchangeSeeds()},
		{"dhcp-exchange6", exchange6Seeds()},
		{"dhcp-rawudp4", raw},
		{"dhcp-listen", listenSeeds()},
	}
	for _, s := range sets {
		dir := corpus.Dir{Root: root, Format: s.format}
		added := 0
		for _, sd := range s.seeds {
			_, isNew, err := dir.Add(sd.data, corpus.Provenance{
				Kind:   corpus.KindHandmade,
				Source: "corpus/gen/dhcp",
				Note:   sd.note,
			})
			if err != nil {
				return fmt.Errorf("add %s seed %q: %w", s.format, sd.note, err)
			}
			if isNew {
				added++
			}
		}
		fmt.Printf("%s: %d seeds, %d new\n", dir.Path(), len(s.seeds), added)
	}
	for name, text := range map[string]string{"dhcpv4.dict": v4Dict(), "dhcpv6.dict": v6Dict()} {
		path := filepath.Join(root, name)
		if err := atomicfile.Write(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write dictionary %s: %w", path, err)
		}
		fmt.Printf("%s written\n", path)
	}
	return nil
}
