package pcapimport

import (
	"bytes"
	"testing"

	"github.com/google/gopacket/layers"

	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport/pcaptest"
)

type pkt = pcaptest.Packet

func udp(_ testing.TB, link layers.LinkType, v6 bool, sport, dport uint16, payload []byte) pkt {
	return pcaptest.UDP(link, v6, sport, dport, payload)
}

func tcp(_ testing.TB, sport, dport uint16, seq uint32, flags string, payload []byte) pkt {
	return pcaptest.TCP(sport, dport, seq, flags, payload)
}

func writePcap(t testing.TB, pkts []pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pcaptest.Pcap(&b, pkts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeNg(t testing.TB, pkts []pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pcaptest.Ng(&b, pkts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
