package dhcpfuzz

import (
	"encoding/binary"
	"net"
	"sync"
	"time"
)

// Plumbing the namespace targets share: counting a handler's writes, the
// long guard on waits that only expire when something is wrong, and a raw
// IPv4/UDP frame builder independent of nclient4's (the NSServer4 client
// sends from 0.0.0.0, which only a link-layer socket can do).

// nsGuard bounds every wait on the other namespace. Delivery over a veth
// is immediate; the guard only expires when the code under test dropped
// something it had to handle, and is long so that an overloaded machine
// cannot make it race a packet in flight.
const nsGuard = 30 * time.Second

// maxDatagramNS is the largest UDP payload the targets send: what fits one
// vethMTU frame.
const maxDatagramNS = vethMTU - 20 - 8

// countConn counts what a handler writes through the server's socket, so
// the target knows how many replies to wait for on the other side.
type countConn struct {
	net.PacketConn
	mu     sync.Mutex
	writes int
	errs   []error
}

func (c *countConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	n, err := c.PacketConn.WriteTo(b, addr)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.errs = append(c.errs, err)
	} else {
		c.writes++
	}
	return n, err
}

// handled is what one handler invocation did.
type handled struct {
	writes int
	errs   []error
}

// ipv4UDP frames payload as an IPv4/UDP packet (RFC 791, RFC 768), with
// the IPv4 header checksum set and no UDP checksum (optional in IPv4).
func ipv4UDP(src, dst net.IP, sport, dport int, payload []byte) []byte {
	b := make([]byte, 28+len(payload))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[8] = 64
	b[9] = 17
	copy(b[12:16], src.To4())
	copy(b[16:20], dst.To4())
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(b[10:], ^uint16(sum))
	binary.BigEndian.PutUint16(b[20:], uint16(sport))
	binary.BigEndian.PutUint16(b[22:], uint16(dport))
	binary.BigEndian.PutUint16(b[24:], uint16(8+len(payload)))
	copy(b[28:], payload)
	return b
}
