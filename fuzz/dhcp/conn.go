package dhcpfuzz

import (
	"net"
	"sync"
	"time"
)

// packetConn is an in-memory net.PacketConn: the fuzz target pushes
// datagrams in, the code under test reads them with ReadFrom, and whatever
// it sends with WriteTo is kept for the target's oracles. It stands in for
// the UDP socket a daemon would own, so a server or client is built once
// per process and every input reaches it without a syscall.
type packetConn struct {
	local  net.Addr
	in     chan datagram
	closed chan struct{}
	once   sync.Once

	// consumed, if not nil, receives one value per datagram handed to the
	// reader, when the reader comes back for the next one: the code under
	// test has then finished with it, whatever it decided.
	consumed chan struct{}

	mu     sync.Mutex
	out    []datagram
	handed bool // a datagram was returned and the reader has not come back
	// onWrite, if set, is called after each datagram is written.
	onWrite func(datagram)
}

// datagram is one packet and the address it came from or went to.
type datagram struct {
	data []byte
	addr net.Addr
}

func newPacketConn(local net.Addr) *packetConn {
	return &packetConn{local: local, in: make(chan datagram), closed: make(chan struct{})}
}

// ReadFrom implements net.PacketConn, blocking until the target sends a
// datagram or the conn is closed.
func (c *packetConn) ReadFrom(b []byte) (int, net.Addr, error) {
	c.mu.Lock()
	if c.handed && c.consumed != nil {
		c.consumed <- struct{}{}
	}
	c.handed = false
	c.mu.Unlock()
	select {
	case d := <-c.in:
		c.mu.Lock()
		c.handed = true
		c.mu.Unlock()
		return copy(b, d.data), d.addr, nil
	case <-c.closed:
		return 0, nil, net.ErrClosed
	}
}

// WriteTo implements net.PacketConn, recording a copy of b.
func (c *packetConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	d := datagram{data: append([]byte(nil), b...), addr: addr}
	c.mu.Lock()
	c.out = append(c.out, d)
	onWrite := c.onWrite
	c.mu.Unlock()
	if onWrite != nil {
		onWrite(d)
	}
	return len(b), nil
}

// take returns and forgets the datagrams written so far.
func (c *packetConn) take() []datagram {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.out
	c.out = nil
	return out
}

func (c *packetConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *packetConn) LocalAddr() net.Addr                { return c.local }
func (c *packetConn) SetDeadline(t time.Time) error      { return nil }
func (c *packetConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *packetConn) SetWriteDeadline(t time.Time) error { return nil }
