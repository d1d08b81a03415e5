package main

import "math/rand/v2"

// structuredSeeds feeds the go-fuzz-headers target (fuzz/dns/structured.go).
// Its input is a byte stream the consumer decodes into choices, so any bytes
// are valid; these seeds give the fuzzer streams long enough to build
// messages with many records from the first execution, from a fixed PRNG so
// regeneration is stable.
func structuredSeeds() []seed {
	rng := rand.New(rand.NewPCG(0xdae, 0x0f22))
	var out []seed
	for _, n := range []int{64, 256, 512, 1024, 2048, 4096} {
		for k := 0; k < 3; k++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			out = append(out, seed{b, "pseudo-random consumer stream"})
		}
	}
	return out
}
