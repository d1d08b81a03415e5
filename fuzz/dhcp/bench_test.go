package dhcpfuzz

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The benchmarks run a target's body over its corpus, one input per
// iteration (ns/op is ns per input), next to a decode-only body over the
// same inputs. See BENCHMARKS.md "Speed per target".
//
//	go test -run='^$' -bench='V4Wire' -benchmem -cpuprofile=v4.prof ./fuzz/dhcp

func benchCorpus(b *testing.B, format string, body func([]byte) error) {
	seeds, err := harness.LoadCorpus(format)
	if err != nil || len(seeds) == 0 {
		b.Skipf("corpus/%s: %v", format, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		runOne(body, seeds[i%len(seeds)].Data)
	}
}

// runOne runs body and survives a stored, suppressed library panic: the
// benchmark measures speed, the fuzz targets report findings.
func runOne(body func([]byte) error, data []byte) {
	defer func() { _ = recover() }()
	_ = body(data)
}

func BenchmarkV4Wire(b *testing.B) { benchCorpus(b, "dhcpv4", V4Wire) }

func BenchmarkV4WireDecodeOnly(b *testing.B) {
	benchCorpus(b, "dhcpv4", func(data []byte) error {
		_, err := dhcpv4.FromBytes(data)
		return err
	})
}
