package dnsfuzz

import (
	"fmt"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Wire unpacks data as a DNS message, packs it again, unpacks the result and
// requires the two messages to be equal in normal form (see normalMsg).
// Packing with and without name compression must both round-trip.
func Wire(data []byte) error {
	var m1 dns.Msg
	if err := m1.Unpack(data); err != nil {
		return nil
	}
	for _, compress := range []bool{false, true} {
		m1.Compress = compress
		wire, err := m1.Pack()
		if err != nil {
			// Unpack accepts some messages that Pack refuses (for example
			// an RR whose rdata is only valid with a different header). A
			// refusal is not a round-trip failure: nothing was emitted.
			return nil
		}
		var m2 dns.Msg
		if err := m2.Unpack(wire); err != nil {
			return harness.Violated("roundtrip", "Unpack", "compress=%v: repacked message does not unpack: %v\nfirst: %s", compress, err, &m1)
		}
		if err := equalMsg(&m1, &m2); err != nil {
			return fmt.Errorf("compress=%v: %w", compress, err)
		}
	}
	return nil
}
