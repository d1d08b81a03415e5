// Command mutate writes a large corpus for the `corpus minimize` benchmark:
// N deterministic mutants (byte flips, truncations, insertions, splices) of
// a format's seeds, content-addressed like any corpus.
//
//	go run ./bench/corpus/mutate -format dns-wire -n 10000 -o /tmp/bench/corpus
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

func main() {
	format := flag.String("format", "dns-wire", "corpus format to mutate")
	n := flag.Int("n", 10000, "entries to write")
	src := flag.String("src", "corpus", "corpus root to read seeds from")
	out := flag.String("o", "", "corpus root to write (required)")
	seed := flag.Uint64("seed", 1, "PRNG seed")
	flag.Parse()
	if *out == "" {
		log.Fatal("mutate: -o is required")
	}
	seeds, err := corpus.Dir{Root: *src, Format: *format}.Seeds()
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*seed, 0))
	d := corpus.Dir{Root: *out, Format: *format}
	b := d.NewBatch()
	for _, s := range seeds {
		if _, _, err := b.Add(s.Data, corpus.Provenance{Kind: corpus.KindImported, Source: filepath.Base(s.Path)}); err != nil {
			log.Fatal(err)
		}
	}
	for b.Added() < *n {
		data := mutate(rng, seeds)
		if _, _, err := b.Add(data, corpus.Provenance{Kind: corpus.KindHandmade, Source: "bench/corpus/mutate"}); err != nil {
			log.Fatal(err)
		}
	}
	added := b.Added()
	if err := b.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %d entries to %s\n", added, d.Path())
}

func mutate(rng *rand.Rand, seeds []corpus.Seed) []byte {
	data := append([]byte(nil), seeds[rng.IntN(len(seeds))].Data...)
	for range 1 + rng.IntN(4) {
		if len(data) == 0 {
			data = append(data, byte(rng.UintN(256)))
			continue
		}
		i := rng.IntN(len(data))
		switch rng.IntN(5) {
		case 0:
			data[i] ^= 1 << rng.UintN(8)
		case 1:
			data[i] = byte(rng.UintN(256))
		case 2:
			data = data[:i]
		case 3:
			data = append(data[:i], append([]byte{byte(rng.UintN(256))}, data[i:]...)...)
		case 4:
			other := seeds[rng.IntN(len(seeds))].Data
			data = append(data[:i], other[rng.IntN(len(other)+1):]...)
		}
	}
	return data
}
