package dhcpfuzz

import (
	"bytes"
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/rfc1035label"
)

// These tests pin the known dependency bugs the targets tolerate (each
// stored in crashers/fuzz-dhcp.*). When a dependency upgrade fixes one, its
// test fails: remove the tolerance it names, so the oracle is strict again.

func TestKnownIAPrefixLengthLoss(t *testing.T) {
	// Tolerated by lossyPrefixV6 (normal.go).
	p := &dhcpv6.OptIAPrefix{}
	raw := append([]byte{0, 0, 0, 1, 0, 0, 0, 2, 255}, net.ParseIP("2001:db8::").To16()...)
	if err := p.FromBytes(raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(p.ToBytes(), raw) {
		t.Fatal("OptIAPrefix now keeps a prefix length of 255: drop lossyPrefixV6's length>128 case")
	}
}

func TestKnownLabelEncoderOverflow(t *testing.T) {
	// Tolerated by encodableLabels (structured4.go).
	long := string(bytes.Repeat([]byte{'x'}, 200))
	l, err := rfc1035label.FromBytes((&rfc1035label.Labels{Labels: []string{long}}).ToBytes())
	if err == nil && len(l.Labels) == 1 && l.Labels[0] == long {
		t.Fatal("rfc1035label now encodes labels longer than 191 bytes: drop encodableLabels' length check")
	}
}

func TestKnownWriteIPPanic(t *testing.T) {
	// Avoided by builder4.ip4 (structured4.go).
	defer func() {
		if recover() == nil {
			t.Fatal("dhcpv4 ToBytes no longer panics on an IPv6 header address: let builder4.ip4 draw 16-byte addresses")
		}
	}()
	m, _ := dhcpv4.New(dhcpv4.WithClientIP(net.ParseIP("2001:db8::1")))
	m.ToBytes()
}

func TestKnownGopacketHlenPanic(t *testing.T) {
	// Avoided by D4.3 in V4Differential (divergences.go): gopacket computes
	// 28+hlen in uint8, so hlen 251 slices [28:23].
	data := make([]byte, 300)
	data[0], data[1], data[2] = 2, 1, 251
	copy(data[236:], []byte{99, 130, 83, 99})
	data[240] = 255
	defer func() {
		if recover() == nil {
			t.Fatal("gopacket's DHCPv4 decoder no longer panics on hlen > 227: drop D4.3")
		}
	}()
	var g layers.DHCPv4
	_ = g.DecodeFromBytes(data, gopacket.NilDecodeFeedback)
}
