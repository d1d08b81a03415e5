// Command dns regenerates daemonfuzz's hand-made DNS seeds: corpus/dns-wire
// (DNS messages on the wire), corpus/dns-zone (zone files and single records
// in presentation format) and corpus/dns-structured (inputs for the
// go-fuzz-headers target), and the libFuzzer dictionary corpus/dns.dict. Every seed is built from github.com/miekg/dns
// values or from the zone files beside this program, and stored through
// internal/corpus Dir.Add, which names it by content and records its
// provenance. Run it from anywhere inside the module:
//
//	go run ./corpus/gen/dns
//
// Regenerating is idempotent: seeds already present keep their first
// provenance; the output is deterministic (fixed keys, times and IDs).
package main

import (
	"flag"
	"fmt"
	"os"

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
		fmt.Fprintln(os.Stderr, "gen/dns:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	root, err := corpus.GenRoot(root)
	if err != nil {
		return err
	}
	wire, err := wireSeeds()
	if err != nil {
		return fmt.Errorf("build dns-wire seeds: %w", err)
	}
	zone, err := zoneSeeds()
	if err != nil {
		return fmt.Errorf("build dns-zone seeds: %w", err)
	}
	sets := []struct {
		format string
		seeds  []seed
	}{
		{"dns-wire", wire},
		{"dns-zone", zone},
		{"dns-structured", structuredSeeds()},
	}
	for _, s := range sets {
		dir := corpus.Dir{Root: root, Format: s.format}
		added := 0
		for _, sd := range s.seeds {
			_, isNew, err := dir.Add(sd.data, corpus.Provenance{
				Kind:   corpus.KindHandmade,
				Source: "corpus/gen/dns",
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
	if err := writeDict(root); err != nil {
		return fmt.Errorf("write dns.dict: %w", err)
	}
	return nil
}
