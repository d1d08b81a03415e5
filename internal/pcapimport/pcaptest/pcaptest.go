// Package pcaptest builds real pcap and pcapng captures from gopacket layers,
// for tests, the CLI scripts and the import benchmark. Builders panic on a
// serialisation error, which only a bug in them can cause.
package pcaptest

import (
	"io"
	"net"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Packet is one frame of a capture and its link type.
type Packet struct {
	Link  layers.LinkType
	Frame []byte
}

// Addresses the builders use: A is the client, B the server.
var (
	IP4A, IP4B = net.IPv4(192, 0, 2, 1).To4(), net.IPv4(192, 0, 2, 53).To4()
	IP6A, IP6B = net.ParseIP("2001:db8::1"), net.ParseIP("2001:db8::53")
)

func frame(link layers.LinkType, v6 bool, l4 gopacket.SerializableLayer, payload []byte) []byte {
	proto := layers.IPProtocolUDP
	if _, ok := l4.(*layers.TCP); ok {
		proto = layers.IPProtocolTCP
	}
	var ls []gopacket.SerializableLayer
	var nl gopacket.NetworkLayer
	ethType := layers.EthernetTypeIPv4
	if v6 {
		ethType = layers.EthernetTypeIPv6
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: IP6A, DstIP: IP6B}
		nl = ip
		ls = append(ls, ip)
	} else {
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: IP4A, DstIP: IP4B}
		nl = ip
		ls = append(ls, ip)
	}
	switch l := l4.(type) {
	case *layers.UDP:
		l.SetNetworkLayerForChecksum(nl)
	case *layers.TCP:
		l.SetNetworkLayerForChecksum(nl)
	}
	ls = append(ls, l4, gopacket.Payload(payload))
	var prefix []byte
	switch link {
	case layers.LinkTypeEthernet:
		ls = append([]gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: ethType}}, ls...)
	case layers.LinkTypeLinuxSLL:
		// gopacket cannot serialise SLL; its 16-byte header is simple.
		prefix = []byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, byte(ethType >> 8), byte(ethType)}
	case layers.LinkTypeNull:
		family := layers.ProtocolFamilyIPv4
		if v6 {
			family = layers.ProtocolFamilyIPv6Linux
		}
		ls = append([]gopacket.SerializableLayer{&layers.Loopback{Family: family}}, ls...)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		panic("pcaptest: " + err.Error())
	}
	return append(prefix, buf.Bytes()...)
}

// UDP is a datagram from A:sport to B:dport on the link type (Ethernet,
// LinuxSLL, Raw or Null), over IPv6 when v6.
func UDP(link layers.LinkType, v6 bool, sport, dport uint16, payload []byte) Packet {
	return Packet{link, frame(link, v6, &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, payload)}
}

// TCP is an Ethernet/IPv4 segment from A:sport to B:dport; flags holds S
// (SYN), F (FIN) and R (RST); every segment but a SYN carries ACK.
func TCP(sport, dport uint16, seq uint32, flags string, payload []byte) Packet {
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
	return Packet{layers.LinkTypeEthernet, frame(layers.LinkTypeEthernet, false, l, payload)}
}

func stamp(i int) time.Time { return time.Unix(1700000000, 0).Add(time.Duration(i) * time.Millisecond) }

// PcapWriter streams a classic pcap of one link type.
type PcapWriter struct {
	w *pcapgo.Writer
	n int
}

// NewPcap writes the file header for link.
func NewPcap(w io.Writer, link layers.LinkType) (*PcapWriter, error) {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, link); err != nil {
		return nil, err
	}
	return &PcapWriter{w: pw}, nil
}

// Write appends one packet.
func (p *PcapWriter) Write(pkt Packet) error {
	p.n++
	return p.w.WritePacket(gopacket.CaptureInfo{Timestamp: stamp(p.n), CaptureLength: len(pkt.Frame), Length: len(pkt.Frame)}, pkt.Frame)
}

// Pcap writes pkts as a classic pcap of the first packet's link type.
func Pcap(w io.Writer, pkts []Packet) error {
	pw, err := NewPcap(w, pkts[0].Link)
	if err != nil {
		return err
	}
	for _, p := range pkts {
		if err := pw.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// Ng writes pkts as a pcapng with one interface per link type.
func Ng(w io.Writer, pkts []Packet) error {
	nw, err := pcapgo.NewNgWriterInterface(w, pcapgo.NgInterface{Name: "if0", LinkType: pkts[0].Link, SnapLength: 65535}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		return err
	}
	ifaces := map[layers.LinkType]int{pkts[0].Link: 0}
	for i, p := range pkts {
		id, ok := ifaces[p.Link]
		if !ok {
			if id, err = nw.AddInterface(pcapgo.NgInterface{Name: "if", LinkType: p.Link, SnapLength: 65535}); err != nil {
				return err
			}
			ifaces[p.Link] = id
		}
		ci := gopacket.CaptureInfo{Timestamp: stamp(i), CaptureLength: len(p.Frame), Length: len(p.Frame), InterfaceIndex: id}
		if err := nw.WritePacket(ci, p.Frame); err != nil {
			return err
		}
	}
	return nw.Flush()
}
