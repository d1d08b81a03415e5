package dnsfuzz

import (
	"testing"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The benchmarks run a target's body over its corpus, one input per
// iteration (ns/op is ns per input), next to a decode-only body over the
// same inputs: the per-execution cost ratio the fuzzing rate follows. See
// BENCHMARKS.md "Speed per target".
//
//	go test -run='^$' -bench='Wire' -benchmem -cpuprofile=wire.prof ./fuzz/dns

func BenchmarkWire(b *testing.B) { harness.BenchCorpus(b, "dns-wire", Wire) }

func BenchmarkWireDecodeOnly(b *testing.B) {
	harness.BenchCorpus(b, "dns-wire", func(data []byte) error {
		var m dns.Msg
		return m.Unpack(data)
	})
}

// BenchmarkWireNSEC3Iterations is one NSEC3 record with the largest
// iteration count a fuzzed input can carry (65535): touchRR's Match and
// Cover hash the owner name that many times unless capped.
func BenchmarkWireNSEC3Iterations(b *testing.B) {
	rr, err := dns.NewRR("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 65535 AABB 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG")
	if err != nil {
		b.Fatal(err)
	}
	m := &dns.Msg{Answer: []dns.RR{rr}}
	data, err := m.Pack()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Wire(data) // speed only: the fuzz target reports what Wire finds
	}
}

// BenchmarkDifferential and BenchmarkTextDifferential are the per-input
// cost of the v1 against v2 comparisons over their seed corpora (the wire
// one with x/net and gopacket too).
func BenchmarkDifferential(b *testing.B) { harness.BenchCorpus(b, "dns-wire", Differential) }

func BenchmarkTextDifferential(b *testing.B) {
	harness.BenchCorpus(b, "dns-zone", ZoneDifferential)
}
