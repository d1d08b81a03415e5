package main

import (
	"bytes"
	"net"
	"time"
)

// tapConn wraps a datagram connection and keeps every datagram read.
type tapConn struct {
	net.Conn
	reads [][]byte
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.reads = append(c.reads, bytes.Clone(p[:n]))
	}
	return n, err
}

// dialTap dials a UDP address with a deadline for the whole exchange.
func dialTap(addr string) (*tapConn, error) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	return &tapConn{Conn: c}, nil
}
