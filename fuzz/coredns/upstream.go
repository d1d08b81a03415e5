package corednsfuzz

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// upstream is the fake upstream server the cache-forward configuration
// forwards to, on 127.0.0.1 over UDP and TCP on one port. Its reply to every
// query is the current input's upstream bytes (an attacker's or a broken
// resolver's answer), with the query's ID written over the first two bytes,
// since the forward plugin drops replies whose ID does not match and would
// only wait for its timeout. With no bytes set it answers NXDOMAIN.
//
// The forward plugin rightly ignores a UDP reply it cannot parse and keeps
// waiting for the real one (an off-path spoofer's junk must not fail a
// query), so an unparsable UDP reply is followed by a SERVFAIL, as a real
// upstream's answer would follow a spoofed packet; otherwise every such
// input would cost the forwarder's 4 s read timeout.
type upstream struct {
	addr string
	mu   sync.Mutex
	resp []byte
}

// set makes b the reply to every query until the next set; nil restores
// the NXDOMAIN default.
func (u *upstream) set(b []byte) {
	u.mu.Lock()
	u.resp = b
	u.mu.Unlock()
}

func (u *upstream) reply(q []byte) [][]byte {
	u.mu.Lock()
	b := u.resp
	u.mu.Unlock()
	if b == nil {
		if r := emptyReply(q, dns.RcodeNameError); r != nil {
			return [][]byte{r}
		}
		return nil
	}
	out := append([]byte(nil), b...)
	if len(out) >= 2 && len(q) >= 2 {
		copy(out, q[:2])
	}
	var m dns.Msg
	if m.Unpack(out) != nil {
		if r := emptyReply(q, dns.RcodeServerFailure); r != nil {
			return [][]byte{out, r}
		}
	}
	return [][]byte{out}
}

// emptyReply is an empty reply to q with rcode, or nil if q does not parse.
func emptyReply(q []byte, rcode int) []byte {
	var m dns.Msg
	if m.Unpack(q) != nil {
		return nil
	}
	r := new(dns.Msg)
	r.SetRcode(&m, rcode)
	out, err := r.Pack()
	if err != nil {
		return nil
	}
	return out
}

func startUpstream() (*upstream, error) {
	// The forward plugin sends UDP and TCP to the same host:port; try a few
	// kernel-picked UDP ports until TCP is free on the same one.
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			continue
		}
		u := &upstream{addr: pc.LocalAddr().String()}
		go u.serveUDP(pc)
		go u.serveTCP(ln)
		return u, nil
	}
	return nil, errors.New("no port free for both UDP and TCP on 127.0.0.1")
}

func (u *upstream) serveUDP(pc net.PacketConn) {
	buf := make([]byte, 65535)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		for _, r := range u.reply(buf[:n]) {
			pc.WriteTo(r, from)
		}
	}
}

func (u *upstream) serveTCP(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go u.serveConn(c)
	}
}

func (u *upstream) serveConn(c net.Conn) {
	defer c.Close()
	for {
		c.SetDeadline(time.Now().Add(15 * time.Second))
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		rs := u.reply(q)
		if len(rs) == 0 {
			return
		}
		// Over TCP an unparsable reply fails the exchange at once; a
		// SERVFAIL after it would stay in the forwarder's pooled connection
		// and answer its next query with the same ID.
		for _, r := range rs[:1] {
			if len(r) > 0xffff {
				return
			}
			out := binary.BigEndian.AppendUint16(nil, uint16(len(r)))
			if _, err := c.Write(append(out, r...)); err != nil {
				return
			}
		}
	}
}
