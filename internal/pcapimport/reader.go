package pcapimport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Payload is one input found in a capture. Data is only valid during the
// callback; copy it to keep it.
type Payload struct {
	Format string
	Data   []byte
	Packet int    // 1-based number of the packet that completed it
	Flow   string // for example "udp 192.0.2.1:40000 > 192.0.2.53:53"
}

// Stats counts what a capture held.
type Stats struct {
	Packets  int // packets read
	Payloads int // inputs emitted
	Skipped  int // packets not routed: other ports, fragments, undecodable
}

// NotCaptureError reports a file that is neither pcap nor pcapng.
type NotCaptureError struct{ Magic []byte }

func (e *NotCaptureError) Error() string {
	return fmt.Sprintf("not a pcap or pcapng capture (starts % x)", e.Magic)
}

// TruncatedError reports a capture that ended inside a packet or whose next
// record is corrupt: every packet before Packet was imported.
type TruncatedError struct {
	Packet int   // the 1-based number of the packet that could not be read
	Offset int64 // byte offset where that packet starts (pcap) or near where reading stopped (pcapng)
	Err    error
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("capture stops at packet %d (byte offset %d): %v; the %d packets before it were imported", e.Packet, e.Offset, e.Err, e.Packet-1)
}

func (e *TruncatedError) Unwrap() error { return e.Err }

// Magic numbers of the two capture formats, as the first 4 bytes.
var (
	pcapMagics = [][]byte{{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1}}
	ngMagic    = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

// IsCapture reports whether the first bytes of a file are a pcap or pcapng
// magic number.
func IsCapture(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	if bytes.Equal(head[:4], ngMagic) {
		return true
	}
	for _, m := range pcapMagics {
		if bytes.Equal(head[:4], m) {
			return true
		}
	}
	return false
}

type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// Read streams the capture in r and calls emit for every routed payload, in
// capture order except that TCP data is emitted when its stream completes a
// message. It returns what it read; a capture cut short returns the stats so
// far and a *TruncatedError, anything else that is not a capture a
// *NotCaptureError. An error from emit stops the read and is returned.
func Read(r io.Reader, emit func(Payload) error) (Stats, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	if !IsCapture(head) {
		return Stats{}, &NotCaptureError{Magic: append([]byte(nil), head...)}
	}
	var (
		src      packetSource
		link     func(gopacket.CaptureInfo) layers.LinkType
		offset   func() int64 // where the packet that failed to read starts
		pcapNext int64        = 24
	)
	if bytes.Equal(head, ngMagic) {
		fr := &ngFramer{r: br}
		opts := pcapgo.DefaultNgReaderOptions
		opts.WantMixedLinkType = true
		ng, err := pcapgo.NewNgReader(fr, opts)
		if err != nil {
			return Stats{}, &TruncatedError{Packet: 1, Offset: fr.blockStart, Err: err}
		}
		src, offset = ng, func() int64 { return fr.blockStart }
		link = func(ci gopacket.CaptureInfo) layers.LinkType {
			if len(ci.AncillaryData) > 0 {
				if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
					return lt
				}
			}
			return ng.LinkType()
		}
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return Stats{}, &TruncatedError{Packet: 1, Offset: 0, Err: err}
		}
		src, offset = pr, func() int64 { return pcapNext }
		link = func(gopacket.CaptureInfo) layers.LinkType { return pr.LinkType() }
	}
	d := newDecoder(emit)
	for {
		data, ci, err := src.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			if err := d.flush(); err != nil {
				return d.stats, err
			}
			return d.stats, &TruncatedError{Packet: d.stats.Packets + 1, Offset: offset(), Err: err}
		}
		pcapNext += 16 + int64(ci.CaptureLength)
		if err := d.packet(link(ci), data); err != nil {
			return d.stats, err
		}
	}
	return d.stats, d.flush()
}

// decoder turns link-layer frames into payloads.
type decoder struct {
	emit  func(Payload) error
	stats Stats
	flows map[flowKey]*stream

	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	loop    layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	ip6ext  layers.IPv6ExtensionSkipper
	udp     layers.UDP
	tcp     layers.TCP
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser // by first layer
	decoded []gopacket.LayerType
}

func newDecoder(emit func(Payload) error) *decoder {
	return &decoder{emit: emit, flows: map[flowKey]*stream{}, parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
}

// parser returns the layer parser starting at first; all share the
// decoder's layer values, which are only read between two packets.
func (d *decoder) parser(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	p := d.parsers[first]
	if p == nil {
		p = gopacket.NewDecodingLayerParser(first,
			&d.eth, &d.dot1q, &d.sll, &d.loop, &d.ip4, &d.ip6, &d.ip6ext, &d.udp, &d.tcp)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return p
}

func firstLayer(lt layers.LinkType, data []byte) gopacket.LayerType {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		if len(data) > 0 && data[0]>>4 == 6 {
			return layers.LayerTypeIPv6
		}
		return layers.LayerTypeIPv4
	}
	return gopacket.LayerTypeZero
}

func (d *decoder) packet(lt layers.LinkType, data []byte) error {
	d.stats.Packets++
	first := firstLayer(lt, data)
	if first == gopacket.LayerTypeZero {
		d.stats.Skipped++
		return nil
	}
	d.decoded = d.decoded[:0]
	_ = d.parser(first).DecodeLayers(data, &d.decoded) // a short or odd packet decodes as far as it can
	var (
		src, dst netip.Addr
		isUDP    bool
		isTCP    bool
	)
	for _, l := range d.decoded {
		switch l {
		case layers.LayerTypeIPv4:
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				d.stats.Skipped++ // fragments are not reassembled
				return nil
			}
			src, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			dst, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
		case layers.LayerTypeUDP:
			isUDP = true
		case layers.LayerTypeTCP:
			isTCP = true
		}
	}
	switch {
	case isUDP && src.IsValid():
		return d.udpPacket(src, dst)
	case isTCP && src.IsValid():
		return d.tcpPacket(src, dst)
	}
	d.stats.Skipped++
	return nil
}

func (d *decoder) udpPacket(src, dst netip.Addr) error {
	sp, dp := uint16(d.udp.SrcPort), uint16(d.udp.DstPort)
	f := udpFormat(sp, dp, d.udp.Payload)
	if f == "" || len(d.udp.Payload) == 0 {
		d.stats.Skipped++
		return nil
	}
	return d.out(Payload{Format: f, Data: d.udp.Payload, Packet: d.stats.Packets,
		Flow: fmt.Sprintf("udp %s > %s", netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp))})
}

func (d *decoder) out(p Payload) error {
	d.stats.Payloads++
	return d.emit(p)
}

func (d *decoder) tcpPacket(src, dst netip.Addr) error {
	sp, dp := uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort)
	f := tcpFormat(sp, dp)
	if f == "" {
		d.stats.Skipped++
		return nil
	}
	key := flowKey{src: src.As16(), dst: dst.As16(), srcPort: sp, dstPort: dp}
	s := d.flows[key]
	if s == nil {
		if len(d.flows) >= maxFlows {
			if err := d.evictOldest(); err != nil {
				return err
			}
		}
		s = &stream{format: f, flow: fmt.Sprintf("tcp %s > %s", netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp)), lastSeen: d.stats.Packets}
		d.flows[key] = s
	}
	if !s.add(d.tcp.Seq, d.tcp.SYN, d.tcp.Payload, d.stats.Packets) {
		delete(d.flows, key) // too far out of order to follow
		return nil
	}
	if f == FormatDNS {
		var err error
		s.messages(func(m []byte) {
			if err == nil {
				err = d.out(Payload{Format: f, Data: m, Packet: s.packet, Flow: s.flow})
			}
		})
		if err != nil {
			return err
		}
	}
	if d.tcp.FIN || d.tcp.RST {
		delete(d.flows, key)
		return d.close(s)
	}
	return nil
}

// close emits what a finished stream holds: an ntske stream as one input.
// A DNS stream's leftover is an incomplete message and is dropped.
func (d *decoder) close(s *stream) error {
	if s.format == FormatNTSKE && len(s.buf) > 0 {
		return d.out(Payload{Format: s.format, Data: s.buf, Packet: s.packet, Flow: s.flow})
	}
	return nil
}

func (d *decoder) evictOldest() error {
	var oldest flowKey
	first := true
	for k, s := range d.flows {
		if first || s.lastSeen < d.flows[oldest].lastSeen {
			oldest, first = k, false
		}
	}
	s := d.flows[oldest]
	delete(d.flows, oldest)
	return d.close(s)
}

// flush closes every stream still open at the end of the capture.
func (d *decoder) flush() error {
	for k, s := range d.flows {
		delete(d.flows, k)
		if err := d.close(s); err != nil {
			return err
		}
	}
	return nil
}
