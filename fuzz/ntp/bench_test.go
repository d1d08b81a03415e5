package ntpfuzz

import (
	"testing"

	"github.com/facebook/time/ntp/control"
	"github.com/facebook/time/ntp/protocol"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The benchmarks run a target's body over its corpus, one input per
// iteration (ns/op is ns per input), next to a decode-only body over the
// same inputs. See BENCHMARKS.md "Speed per target".
//
//	go test -run='^$' -bench='Packet|Control' -benchmem -cpuprofile=ntp.prof ./fuzz/ntp

func BenchmarkPacket(b *testing.B) { harness.BenchCorpus(b, "ntp", Packet) }

func BenchmarkPacketDecodeOnly(b *testing.B) {
	harness.BenchCorpus(b, "ntp", func(data []byte) error {
		_, err := protocol.BytesToPacket(data)
		return err
	})
}

func BenchmarkControl(b *testing.B) { harness.BenchCorpus(b, "ntp-control", Control) }

// The decode-only side of Control: the control client reading the same
// datagrams, nothing checked.
func BenchmarkControlDecodeOnly(b *testing.B) {
	harness.BenchCorpus(b, "ntp-control", func(data []byte) error {
		cl := control.NTPClient{Sequence: 1, Connection: &datagramConn{replies: splitMode6(data)}}
		_, err := cl.Communicate(&control.NTPControlMsgHead{
			VnMode: control.MakeVnMode(2, control.Mode),
			REMOp:  control.MakeREMOp(false, false, false, control.OpReadVariables),
		})
		return err
	})
}
