package dhcpfuzz

import (
	"bytes"
	"encoding/binary"
	"net"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// frameConn is the raw (link-layer payload) socket under nclient4's
// BroadcastRawUDPConn: it yields its frames once, then reports closed, and
// records what is written. One is made per input; it is a slice header, not
// a fixture.
type frameConn struct {
	frames  [][]byte
	written [][]byte
}

func (c *frameConn) ReadFrom(b []byte) (int, net.Addr, error) {
	if len(c.frames) == 0 {
		return 0, nil, net.ErrClosed
	}
	f := c.frames[0]
	c.frames = c.frames[1:]
	return copy(b, f), nil, nil
}

func (c *frameConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	c.written = append(c.written, append([]byte(nil), b...))
	return len(b), nil
}

func (c *frameConn) Close() error                     { return nil }
func (c *frameConn) LocalAddr() net.Addr              { return nil }
func (c *frameConn) SetDeadline(time.Time) error      { return nil }
func (c *frameConn) SetReadDeadline(time.Time) error  { return nil }
func (c *frameConn) SetWriteDeadline(time.Time) error { return nil }

// RawUDP4 feeds data as one IPv4 frame to the nclient4 client's raw socket
// layer (BroadcastRawUDPConn, which parses IPv4 and UDP headers itself
// because the client listens on a raw socket before it has an address) and
// checks:
//   - invariant: an accepted frame is IPv4/UDP to the bound port, and the
//     returned datagram and source address are exactly the bytes RFC 791 and
//     RFC 768 place there (payload bounded by the IPv4 total length);
//   - roundtrip: the payload written back through WriteTo (udp4pkt) reads
//     back unchanged through a second BroadcastRawUDPConn.
func RawUDP4(data []byte) error {
	bound := &net.UDPAddr{Port: nclient4.ClientPort}
	raw := &frameConn{frames: [][]byte{data}}
	c := nclient4.NewBroadcastUDPConn(raw, bound)
	buf := make([]byte, nclient4.MaxMessageSize)
	n, from, err := c.ReadFrom(buf)
	payload := data
	if err == nil {
		if err := checkRawUDP4(data, buf[:n], from); err != nil {
			return err
		}
		payload = buf[:n]
	}
	if len(payload) > nclient4.MaxMessageSize {
		payload = payload[:nclient4.MaxMessageSize]
	}
	to := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: nclient4.ClientPort}
	if _, err := c.WriteTo(payload, to); err != nil || len(raw.written) != 1 {
		return harness.Violated("roundtrip", "RawUDP4.WriteTo", "writing %d bytes: %v", len(payload), err)
	}
	back := nclient4.NewBroadcastUDPConn(&frameConn{frames: raw.written}, to)
	got := make([]byte, len(payload)+1)
	m, _, err := back.ReadFrom(got)
	if err != nil || !bytes.Equal(got[:m], payload) {
		return harness.Violated("roundtrip", "RawUDP4.ReadFrom", "wrote %x, read back %x (%v)", payload, got[:m], err)
	}
	return nil
}

// checkRawUDP4 holds an accepted frame to the IPv4 and UDP header layout.
func checkRawUDP4(frame, got []byte, from net.Addr) error {
	if len(frame) < 20 || frame[0]>>4 != 4 || frame[9] != 17 {
		return harness.Violated("invariant", "RawUDP4.Header", "accepted a frame that is not IPv4/UDP: % x", frame[:min(len(frame), 20)])
	}
	ihl := int(frame[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(frame[2:4]))
	if ihl < 20 || total > len(frame) || total < ihl+8 {
		return harness.Violated("invariant", "RawUDP4.Length", "accepted ihl %d, total length %d, frame %d bytes", ihl, total, len(frame))
	}
	if port := binary.BigEndian.Uint16(frame[ihl+2:]); int(port) != nclient4.ClientPort {
		return harness.Violated("invariant", "RawUDP4.DstPort", "accepted a datagram to port %d", port)
	}
	want := frame[ihl+8 : total]
	if len(want) > len(got) && len(got) == nclient4.MaxMessageSize {
		want = want[:len(got)] // the caller's buffer was full
	}
	if !bytes.Equal(got, want) {
		return harness.Violated("invariant", "RawUDP4.Payload", "returned %x, the frame carries %x", got, want)
	}
	src, ok := from.(*net.UDPAddr)
	if !ok || !src.IP.Equal(net.IP(frame[12:16])) || src.Port != int(binary.BigEndian.Uint16(frame[ihl:])) {
		return harness.Violated("invariant", "RawUDP4.Source", "source %v, the frame says %v:%d", from, net.IP(frame[12:16]), binary.BigEndian.Uint16(frame[ihl:]))
	}
	return nil
}
