package dhcpfuzz

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// daemon6 is a real server6.Server serving pool6 on an in-memory socket,
// built once per process, driven like daemon4.
type daemon6 struct {
	mu   sync.Mutex
	conn *packetConn
	pool *pool6
	done chan struct{}
}

var theDaemon6 = sync.OnceValue(func() *daemon6 {
	d := &daemon6{
		conn: newPacketConn(&net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: dhcpv6.DefaultServerPort}),
		pool: newPool6(),
		done: make(chan struct{}, 1),
	}
	handler := func(conn net.PacketConn, peer net.Addr, m dhcpv6.DHCPv6) {
		defer func() { d.done <- struct{}{} }()
		d.pool.handle(conn, peer, m)
	}
	s, err := server6.NewServer("", nil, handler, server6.WithConn(d.conn), server6.WithLogger(dropLogger6{d.done}))
	if err != nil {
		panic(fmt.Sprintf("dhcpfuzz: server6.NewServer with a given conn cannot fail, got %v", err))
	}
	go func() { _ = s.Serve() }()
	return d
})

// dropLogger6 signals a datagram server6 dropped because it did not parse.
type dropLogger6 struct{ done chan<- struct{} }

func (l dropLogger6) PrintMessage(string, *dhcpv6.Message) {}
func (l dropLogger6) Printf(format string, _ ...any) {
	if strings.HasPrefix(format, "Error parsing") {
		l.done <- struct{}{}
	}
}

// Server6 feeds data, as a datagram from a link-local client or relay, to
// the real server6 read loop answered by pool6, and checks every reply
// against RFC 8415:
//   - the reply parses; it has as many relay levels as the request, each a
//     RELAY-REPL echoing that level's link and peer addresses and
//     interface-id (19.3, 21.18);
//   - the inner reply echoes the transaction id and client identifier, is
//     an ADVERTISE only for a SOLICIT without rapid commit;
//   - assigned addresses and prefixes come from the pool.
func Server6(data []byte) error {
	d := theDaemon6()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pool.reset()
	peer := &net.UDPAddr{IP: net.ParseIP("fe80::5054:ff:fe12:3456"), Port: dhcpv6.DefaultClientPort}
	d.conn.in <- datagram{data: data, addr: peer}
	<-d.done
	replies := d.conn.take()
	if len(replies) == 0 {
		return nil
	}
	req, err := dhcpv6.FromBytes(data)
	if err != nil {
		return harness.Violated("invariant", "Server6.Handler", "server answered a packet FromBytes rejects (%v)", err)
	}
	for _, r := range replies {
		if err := checkReply6(req, r); err != nil {
			return err
		}
	}
	return nil
}

func checkReply6(req dhcpv6.DHCPv6, r datagram) error {
	rep, err := dhcpv6.FromBytes(r.data)
	if err != nil {
		return harness.Violated("invariant", "Reply.FromBytes", "server's reply does not parse: %v", err)
	}
	path := "Reply."
	for q, a := req, rep; ; {
		if !q.IsRelay() {
			if a.IsRelay() {
				return harness.Violated("invariant", path+"MessageType", "reply has more relay levels than the request")
			}
			return checkInner6(path, q.(*dhcpv6.Message), a.(*dhcpv6.Message))
		}
		qr := q.(*dhcpv6.RelayMessage)
		ar, ok := a.(*dhcpv6.RelayMessage)
		switch {
		case !ok || ar.MessageType != dhcpv6.MessageTypeRelayReply:
			return harness.Violated("invariant", path+"MessageType", "%v answers a %v", a.Type(), q.Type())
		case !ar.LinkAddr.Equal(qr.LinkAddr) || !ar.PeerAddr.Equal(qr.PeerAddr):
			return harness.Violated("invariant", path+"LinkAddr", "link/peer %v/%v != request %v/%v", ar.LinkAddr, ar.PeerAddr, qr.LinkAddr, qr.PeerAddr)
		case !bytes.Equal(ar.Options.InterfaceID(), qr.Options.InterfaceID()):
			return harness.Violated("invariant", path+"InterfaceID", "%x != request %x", ar.Options.InterfaceID(), qr.Options.InterfaceID())
		}
		q, a = qr.Options.RelayMessage(), ar.Options.RelayMessage()
		if q == nil || a == nil {
			return harness.Violated("invariant", path+"RelayMessage", "a level without an embedded message answered")
		}
		path += "Relay."
	}
}

func checkInner6(path string, q, a *dhcpv6.Message) error {
	if a.TransactionID != q.TransactionID {
		return harness.Violated("invariant", path+"TransactionID", "%v != request %v", a.TransactionID, q.TransactionID)
	}
	if qc, ac := q.Options.ClientID(), a.Options.ClientID(); qc == nil || ac == nil || !bytes.Equal(qc.ToBytes(), ac.ToBytes()) {
		return harness.Violated("invariant", path+"ClientID", "%v != request %v", ac, qc)
	}
	wantAdvertise := q.Type() == dhcpv6.MessageTypeSolicit && q.GetOneOption(dhcpv6.OptionRapidCommit) == nil
	if (a.Type() == dhcpv6.MessageTypeAdvertise) != wantAdvertise || (a.Type() != dhcpv6.MessageTypeAdvertise && a.Type() != dhcpv6.MessageTypeReply) {
		return harness.Violated("invariant", path+"MessageType", "%v answers %v", a.Type(), q.Type())
	}
	for _, ia := range a.Options.IANA() {
		for _, addr := range ia.Options.Addresses() {
			if !inPool6(addr.IPv6Addr) {
				return harness.Violated("invariant", path+"IANA.Address", "%v outside the pool", addr.IPv6Addr)
			}
		}
	}
	for _, pd := range a.Options.IAPD() {
		for _, p := range pd.Options.Prefixes() {
			if p.Prefix == nil || !p.Prefix.IP.Mask(net.CIDRMask(48, 128)).Equal(pdBase6) {
				return harness.Violated("invariant", path+"IAPD.Prefix", "%v outside the delegated range", p.Prefix)
			}
		}
	}
	return nil
}

func inPool6(ip net.IP) bool {
	for i := 0; i < poolSize6; i++ {
		if addr6(i).Equal(ip) {
			return true
		}
	}
	return false
}
