package main

import (
	"crypto/sha512"
	"fmt"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// structuredSeeds are go-fuzz-headers inputs for FuzzStructured: the first
// octet selects the builder (plain packet, NTS request, NTS response), the
// rest is deterministic filler the consumer turns into fields.
func structuredSeeds() ([]seed, error) {
	var out []seed
	names := []string{"plain packet with extension fields and MAC", "NTS request", "NTS response"}
	for kind := range 3 {
		for v := range 3 {
			var fill []byte
			for i := 0; len(fill) < 64+96*v; i++ {
				sum := sha512.Sum512([]byte(fmt.Sprintf("structured %d %d %d", kind, v, i)))
				fill = append(fill, sum[:]...)
			}
			b := append([]byte{byte(kind)}, fill[:64+96*v]...)
			out = append(out, seed{"ntp-structured", corpus.KindHandmade,
				fmt.Sprintf("%s: go-fuzz-headers input building a %s (variant %d)", src, names[kind], v), b})
		}
	}
	return out, nil
}
