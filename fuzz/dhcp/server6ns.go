package dhcpfuzz

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"
	"golang.org/x/net/ipv6"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// daemon6ns is a real server6.Server as a daemon starts it: NewServer on
// an interface name with no address, so server6 binds [::]:547 to the
// interface itself (NewIPv6UDPConn) and joins All_DHCP_Relay_Agents_and_Servers
// (ff02::1:2) and All_DHCP_Servers (ff05::1:3) there. The client side owns
// UDP sockets on its link-local address, ports 546 (a client) and 547 (a
// relay agent).
// Built once per process.
type daemon6ns struct {
	mu       sync.Mutex
	pool     *pool6
	done     chan handled
	serveErr chan error
	cli546   *ipv6.PacketConn
	cli547   *ipv6.PacketConn
	l        *link
	server   *server6.Server
}

var theDaemon6NS = sync.OnceValues(newDaemon6NS)

// newDaemon6NS starts a daemon on a new link.
func newDaemon6NS() (*daemon6ns, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	d := &daemon6ns{l: l, pool: newPool6(), done: make(chan handled, 1), serveErr: make(chan error, 1)}
	logger := server6.ShortSummaryLogger{Printfer: dropPrintf6{d.done}}
	handler := func(conn net.PacketConn, peer net.Addr, m dhcpv6.DHCPv6) {
		if msg, ok := m.(*dhcpv6.Message); ok {
			logger.PrintMessage("received", msg)
		}
		c := &countConn{PacketConn: conn}
		defer func() { d.done <- handled{writes: c.writes, errs: c.errs} }()
		d.pool.handle(c, peer, m)
	}
	if err := l.Server.Do(func() error {
		var err error
		d.server, err = server6.NewServer(l.ServerLink, nil, handler, server6.WithLogger(logger))
		return err
	}); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: server6.NewServer(%q, nil) in the server namespace: %w", l.ServerLink, err)
	}
	go func() { d.serveErr <- d.server.Serve() }()
	if err := l.Client.Do(d.openClient); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the DHCPv6 client side: %w", err)
	}
	return d, nil
}

func (d *daemon6ns) openClient() error {
	ifc, err := net.InterfaceByName(d.l.ClientLink)
	if err != nil {
		return err
	}
	for _, port := range []int{dhcpv6.DefaultClientPort, dhcpv6.DefaultServerPort} {
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: d.l.cliLL(), Port: port, Zone: d.l.cliZone})
		if err != nil {
			return err
		}
		pc := ipv6.NewPacketConn(c)
		if err := pc.SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true); err != nil {
			return err
		}
		if err := pc.SetMulticastInterface(ifc); err != nil {
			return err
		}
		if port == dhcpv6.DefaultClientPort {
			d.cli546 = pc
		} else {
			d.cli547 = pc
		}
	}
	return nil
}

// dropPrintf6 is the Printfer under the server's logger: "Error parsing"
// is server6's only signal that it dropped a datagram.
type dropPrintf6 struct{ done chan<- handled }

func (l dropPrintf6) Printf(format string, _ ...any) {
	if strings.HasPrefix(format, "Error parsing") {
		l.done <- handled{writes: -1}
	}
}

// NSServer6 sends data, as one UDP datagram, over a veth pair to the real
// server6 daemon in another network namespace, answered by pool6, and
// reads its replies on the client side. The datagram travels as RFC 8415
// 7.1 and 19 say a message of its type would:
//   - RELAY-FORW/RELAY-REPL (first byte 12 or 13): from a relay agent at
//     the client end's link-local address, port 547, to the server's link-local address when the hop count
//     is even, to All_DHCP_Servers ff05::1:3 when odd;
//   - anything else: from a client there, port 546, to
//     All_DHCP_Relay_Agents_and_Servers ff02::1:2.
//
// Besides Server6's checks of each reply (checkReply6), it checks the loop:
//   - invariant: the server handles or drops every datagram and keeps
//     serving after it;
//   - invariant: every reply the handler wrote arrives, from the server
//     end's link-local address, port 547, on the client's link, unicast to
//     the sender.
func NSServer6(data []byte) error {
	d, err := theDaemon6NS()
	if err != nil {
		return err
	}
	return d.run(data)
}

// run is NSServer6 on d.
func (d *daemon6ns) run(data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case err := <-d.serveErr:
		return harness.Violated("invariant", "NSServer6.Serve", "the server stopped serving: %v", err)
	default:
	}
	d.pool.reset()
	data = data[:min(len(data), maxDatagramNS)]
	from, err := d.deliver6(data)
	if err != nil {
		return err
	}
	var h handled
	select {
	case h = <-d.done:
	case err := <-d.serveErr:
		return harness.Violated("invariant", "NSServer6.Serve", "the server stopped serving on a %d-byte datagram: %v", len(data), err)
	case <-time.After(nsGuard):
		return harness.Violated("invariant", "NSServer6.Serve", "a %d-byte datagram neither handled nor dropped in %v", len(data), nsGuard)
	}
	if len(h.errs) > 0 {
		return harness.Violated("invariant", "NSServer6.WriteTo", "the server's socket refused a reply: %v", h.errs[0])
	}
	if h.writes <= 0 {
		return nil
	}
	req, err := dhcpv6.FromBytes(data[:min(len(data), 4096)])
	if err != nil {
		return harness.Violated("invariant", "NSServer6.Handler", "server answered a packet FromBytes rejects (%v)", err)
	}
	for i := 0; i < h.writes; i++ {
		r, err := d.receive(from)
		if err != nil {
			return err
		}
		if err := checkReply6(req, r); err != nil {
			return err
		}
	}
	return nil
}

// deliver6 sends data the way its type says and returns the client-side
// socket the replies come back to.
func (d *daemon6ns) deliver6(data []byte) (*ipv6.PacketConn, error) {
	from := d.cli546
	to := &net.UDPAddr{IP: dhcpv6.AllDHCPRelayAgentsAndServers, Port: dhcpv6.DefaultServerPort, Zone: d.l.cliZone}
	if len(data) > 0 && (data[0] == byte(dhcpv6.MessageTypeRelayForward) || data[0] == byte(dhcpv6.MessageTypeRelayReply)) {
		from = d.cli547
		to = &net.UDPAddr{IP: d.l.srvLL(), Port: dhcpv6.DefaultServerPort, Zone: d.l.cliZone}
		if len(data) > 1 && data[1]%2 == 1 {
			to = &net.UDPAddr{IP: dhcpv6.AllDHCPServers, Port: dhcpv6.DefaultServerPort}
		}
	}
	if _, err := from.WriteTo(data, nil, to); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: sending %d bytes to %v: %w", len(data), to, err)
	}
	return from, nil
}

// receive reads one reply on c and checks where it came from and went to.
func (d *daemon6ns) receive(c *ipv6.PacketConn) (datagram, error) {
	buf := make([]byte, 65536)
	if err := c.SetReadDeadline(time.Now().Add(nsGuard)); err != nil {
		return datagram{}, err
	}
	n, cm, src, err := c.ReadFrom(buf)
	if err != nil {
		return datagram{}, harness.Violated("invariant", "NSServer6.Reply", "a reply the server wrote never arrived: %v", err)
	}
	s, ok := src.(*net.UDPAddr)
	if !ok || !s.IP.Equal(d.l.srvLL()) || s.Port != dhcpv6.DefaultServerPort || cm == nil || cm.IfIndex != d.l.ClientIndex || !cm.Dst.Equal(d.l.cliLL()) {
		return datagram{}, harness.Violated("invariant", "NSServer6.Reply.Source", "reply from %v (control %v), want [%v]:%d to %v on %s", src, cm, d.l.srvLL(), dhcpv6.DefaultServerPort, d.l.cliLL(), d.l.ClientLink)
	}
	return datagram{data: buf[:n], addr: src}, nil
}
