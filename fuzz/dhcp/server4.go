package dhcpfuzz

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// daemon4 is a real server4.Server serving pool4 on an in-memory socket.
// It is built once per process; send feeds one datagram through the
// server's read loop and waits until the server has either dropped it
// (its logger reports the parse error) or the handler has returned.
type daemon4 struct {
	mu   sync.Mutex // one exchange at a time
	conn *packetConn
	pool *pool4
	done chan struct{}
	// seen is the last message the handler received, as server4 parsed it.
	seen *dhcpv4.DHCPv4
}

var theDaemon4 = sync.OnceValue(func() *daemon4 {
	d := &daemon4{
		conn: newPacketConn(&net.UDPAddr{IP: serverIP4, Port: dhcpv4.ServerPort}),
		pool: newPool4(),
		done: make(chan struct{}, 1),
	}
	handler := func(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
		defer func() { d.done <- struct{}{} }()
		d.seen = m
		d.pool.handle(conn, peer, m)
	}
	s, err := server4.NewServer("", nil, handler, server4.WithConn(d.conn), server4.WithLogger(dropLogger4{d.done}))
	if err != nil {
		panic(fmt.Sprintf("dhcpfuzz: server4.NewServer with a given conn cannot fail, got %v", err))
	}
	go func() { _ = s.Serve() }()
	return d
})

// dropLogger4 turns the server's "cannot parse" log line, its only signal
// that a datagram was dropped, into a completion.
type dropLogger4 struct{ done chan<- struct{} }

func (l dropLogger4) PrintMessage(string, *dhcpv4.DHCPv4) {}
func (l dropLogger4) Printf(format string, _ ...any) {
	if strings.HasPrefix(format, "Error parsing") {
		l.done <- struct{}{}
	}
}

// send delivers pkt from peer and returns what the server wrote back.
func (d *daemon4) send(pkt []byte, peer *net.UDPAddr) []datagram {
	d.conn.in <- datagram{data: pkt, addr: peer}
	<-d.done
	return d.conn.take()
}

// Server4 feeds data, as a datagram from a client port, to the real
// server4 read loop answered by pool4, and checks every reply against RFC
// 2131 and RFC 3046:
//   - the reply parses, is a BOOTREPLY, and echoes xid, chaddr and giaddr;
//   - relay agent information is echoed byte for byte;
//   - an OFFER or ACK carrying an address carries one from the pool;
//   - a reply to a client without an address (peer 0.0.0.0, no giaddr) is
//     broadcast, which server4 itself decides.
//
// The pool is emptied before each input so inputs are independent.
func Server4(data []byte) error {
	d := theDaemon4()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pool.reset()
	peer := &net.UDPAddr{IP: net.IPv4zero, Port: dhcpv4.ClientPort}
	if len(data) >= 28 && !net.IP(data[24:28]).Equal(net.IPv4zero) {
		peer = &net.UDPAddr{IP: net.IP(append([]byte(nil), data[24:28]...)), Port: dhcpv4.ServerPort}
	}
	replies := d.send(data, peer)
	if len(replies) == 0 {
		return nil
	}
	req, err := dhcpv4.FromBytes(data)
	if err != nil {
		return harness.Violated("invariant", "Server4.Handler", "server answered a packet FromBytes rejects (%v)", err)
	}
	for _, r := range replies {
		if err := checkReply4(req, peer, r); err != nil {
			return err
		}
	}
	return nil
}

// checkReply4 checks one reply the server wrote to peer for req.
func checkReply4(req *dhcpv4.DHCPv4, peer *net.UDPAddr, r datagram) error {
	rep, err := dhcpv4.FromBytes(r.data)
	if err != nil {
		return harness.Violated("invariant", "Reply.FromBytes", "server's reply does not parse: %v", err)
	}
	switch {
	case rep.OpCode != dhcpv4.OpcodeBootReply:
		return harness.Violated("invariant", "Reply.OpCode", "%v", rep.OpCode)
	case rep.TransactionID != req.TransactionID:
		return harness.Violated("invariant", "Reply.TransactionID", "%v != request %v", rep.TransactionID, req.TransactionID)
	case !bytes.Equal(rep.ClientHWAddr, req.ClientHWAddr):
		return harness.Violated("invariant", "Reply.ClientHWAddr", "%v != request %v", rep.ClientHWAddr, req.ClientHWAddr)
	case !rep.GatewayIPAddr.Equal(req.GatewayIPAddr):
		return harness.Violated("invariant", "Reply.GatewayIPAddr", "%v != request %v", rep.GatewayIPAddr, req.GatewayIPAddr)
	case !bytes.Equal(rep.Options.Get(dhcpv4.OptionRelayAgentInformation), req.Options.Get(dhcpv4.OptionRelayAgentInformation)):
		return harness.Violated("invariant", "Reply.Options[Relay Agent Information]", "%x != request %x",
			rep.Options.Get(dhcpv4.OptionRelayAgentInformation), req.Options.Get(dhcpv4.OptionRelayAgentInformation))
	}
	if t := rep.MessageType(); (t == dhcpv4.MessageTypeOffer || t == dhcpv4.MessageTypeAck) && !rep.YourIPAddr.IsUnspecified() && index4(rep.YourIPAddr) < 0 {
		return harness.Violated("invariant", "Reply.YourIPAddr", "%v outside the pool", rep.YourIPAddr)
	}
	if peer.IP.IsUnspecified() {
		to, ok := r.addr.(*net.UDPAddr)
		if !ok || !to.IP.Equal(net.IPv4bcast) || to.Port != peer.Port {
			return harness.Violated("invariant", "Reply.Destination", "reply to an unconfigured client went to %v, want 255.255.255.255:%d", r.addr, peer.Port)
		}
	}
	return nil
}
