package pcapimport

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// pkt is one packet to write into a test capture.
type pkt struct {
	link  layers.LinkType
	frame []byte
}

var (
	ip4a, ip4b = net.IPv4(192, 0, 2, 1).To4(), net.IPv4(192, 0, 2, 53).To4()
	ip6a, ip6b = net.ParseIP("2001:db8::1"), net.ParseIP("2001:db8::53")
)

// frame serialises an IP packet carrying l4 and payload on the link type.
func frame(t testing.TB, link layers.LinkType, v6 bool, l4 gopacket.SerializableLayer, payload []byte) []byte {
	t.Helper()
	var ls []gopacket.SerializableLayer
	var netLayer gopacket.NetworkLayer
	proto := layers.IPProtocolUDP
	if _, ok := l4.(*layers.TCP); ok {
		proto = layers.IPProtocolTCP
	}
	ethType := layers.EthernetTypeIPv4
	if v6 {
		ethType = layers.EthernetTypeIPv6
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: ip6a, DstIP: ip6b}
		netLayer = ip
		ls = append(ls, ip)
	} else {
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: ip4a, DstIP: ip4b}
		netLayer = ip
		ls = append(ls, ip)
	}
	switch l := l4.(type) {
	case *layers.UDP:
		l.SetNetworkLayerForChecksum(netLayer)
	case *layers.TCP:
		l.SetNetworkLayerForChecksum(netLayer)
	}
	ls = append(ls, l4, gopacket.Payload(payload))
	switch link {
	case layers.LinkTypeEthernet:
		ls = append([]gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: ethType}}, ls...)
	case layers.LinkTypeLinuxSLL:
		// gopacket cannot serialise SLL; its 16-byte header is simple.
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
			t.Fatal(err)
		}
		hdr := []byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, byte(ethType >> 8), byte(ethType)}
		return append(hdr, buf.Bytes()...)
	case layers.LinkTypeNull:
		family := layers.ProtocolFamilyIPv4
		if v6 {
			family = layers.ProtocolFamilyIPv6Linux
		}
		ls = append([]gopacket.SerializableLayer{&layers.Loopback{Family: family}}, ls...)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func udp(t testing.TB, link layers.LinkType, v6 bool, sport, dport uint16, payload []byte) pkt {
	return pkt{link, frame(t, link, v6, &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, payload)}
}

func tcp(t testing.TB, sport, dport uint16, seq uint32, flags string, payload []byte) pkt {
	l := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Window: 65535, ACK: true}
	for _, f := range flags {
		switch f {
		case 'S':
			l.SYN, l.ACK = true, false
		case 'F':
			l.FIN = true
		case 'R':
			l.RST = true
		}
	}
	return pkt{layers.LinkTypeEthernet, frame(t, layers.LinkTypeEthernet, false, l, payload)}
}

// writePcap returns a classic pcap of pkts, all of the first packet's link type.
func writePcap(t testing.TB, pkts []pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if err := w.WriteFileHeader(65535, pkts[0].link); err != nil {
		t.Fatal(err)
	}
	for i, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: len(p.frame), Length: len(p.frame)}
		if err := w.WritePacket(ci, p.frame); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// writeNg returns a pcapng of pkts with one interface per link type.
func writeNg(t testing.TB, pkts []pkt) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "if0", LinkType: pkts[0].link, SnapLength: 65535}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	ifaces := map[layers.LinkType]int{pkts[0].link: 0}
	for i, p := range pkts {
		id, ok := ifaces[p.link]
		if !ok {
			if id, err = w.AddInterface(pcapgo.NgInterface{Name: "if", LinkType: p.link, SnapLength: 65535}); err != nil {
				t.Fatal(err)
			}
			ifaces[p.link] = id
		}
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: len(p.frame), Length: len(p.frame), InterfaceIndex: id}
		if err := w.WritePacket(ci, p.frame); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
