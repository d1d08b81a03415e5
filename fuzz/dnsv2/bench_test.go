package dnsv2fuzz

import (
	"testing"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The benchmarks run a target's body over its corpus, one input per
// iteration (ns/op is ns per input), next to a decode-only body over the
// same inputs: the per-execution cost ratio the fuzzing rate follows. See
// BENCHMARKS.md "miekg/dns v2".
//
//	go test -run='^$' -bench=. -benchmem ./fuzz/dnsv2

func BenchmarkV2Wire(b *testing.B) { harness.BenchCorpus(b, "dns-wire", Wire) }

func BenchmarkV2WireDecodeOnly(b *testing.B) {
	harness.BenchCorpus(b, "dns-wire", func(data []byte) error {
		m := &dns.Msg{Data: data}
		return m.Unpack()
	})
}

func BenchmarkV2Zone(b *testing.B) { harness.BenchCorpus(b, "dns-zone", Zone) }

func BenchmarkV2Server(b *testing.B) { harness.BenchCorpus(b, "dns-wire", Server) }

func BenchmarkV2Structured(b *testing.B) { harness.BenchCorpus(b, "dns-structured", Structured) }
