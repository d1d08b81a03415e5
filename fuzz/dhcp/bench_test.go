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

func BenchmarkV4Wire(b *testing.B) { harness.BenchCorpus(b, "dhcpv4", V4Wire) }

func BenchmarkV4WireDecodeOnly(b *testing.B) {
	harness.BenchCorpus(b, "dhcpv4", func(data []byte) error {
		_, err := dhcpv4.FromBytes(data)
		return err
	})
}
