package ntpfuzz

import (
	"encoding/binary"
	"fmt"
	"net"
	"sync"
)

// udpPeer is an NTP "server" on 127.0.0.1 that answers every request with the
// current fuzz input: the malicious-server surface of an NTP client. It is
// started once per process and shared by every input.
//
// The one change made to the input: octets 24-31 (NTPv4 origin timestamp,
// NTPv5 client cookie) are overwritten with the value the request carried
// (its transmit timestamp, or its client cookie for NTPv5), as an on-path
// attacker who sees the request would do. Without it a client drops every
// reply at the anti-spoofing check and its parser is never reached. Replies
// longer than maxPeerReply (beyond one UDP datagram) are not sent.
type udpPeer struct {
	conn *net.UDPConn

	mu    sync.Mutex
	reply []byte // the input to answer with
	sent  []byte // what was actually sent for the last request
}

const maxPeerReply = 65507

var (
	peerOnce sync.Once
	peer     *udpPeer
	peerErr  error
)

func sharedPeer() (*udpPeer, error) {
	peerOnce.Do(func() {
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			peerErr = fmt.Errorf("ntpfuzz: start loopback NTP peer: %w", err)
			return
		}
		peer = &udpPeer{conn: conn}
		go peer.serve()
	})
	return peer, peerErr
}

func (p *udpPeer) addr() string { return p.conn.LocalAddr().String() }

func (p *udpPeer) serve() {
	buf := make([]byte, 65536)
	for {
		n, from, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		out := answer(p.reply, buf[:n])
		p.sent = out
		p.mu.Unlock()
		_, _ = p.conn.WriteToUDP(out, from)
	}
}

// answer returns reply with the request's anti-spoofing value copied in.
func answer(reply, req []byte) []byte {
	out := append([]byte(nil), reply...)
	if len(out) < 32 || len(req) < 48 {
		return out
	}
	if req[0]>>3&7 == 5 {
		copy(out[24:32], req[24:32]) // NTPv5 client cookie
	} else {
		binary.BigEndian.PutUint64(out[24:32], binary.BigEndian.Uint64(req[40:48])) // origin := transmit
	}
	return out
}

// set installs the reply for the next request.
func (p *udpPeer) set(reply []byte) {
	p.mu.Lock()
	p.reply, p.sent = reply, nil
	p.mu.Unlock()
}

// lastSent returns the datagram sent for the last request, nil if none.
func (p *udpPeer) lastSent() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}
