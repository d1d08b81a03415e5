package dhcpfuzz

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/mdlayher/packet"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// daemon4ns is a real server4.Server as a daemon starts it: NewServer on
// an interface name, no connection given, so server4 opens, configures and
// binds its own socket (NewIPv4UDPConn) in the server namespace. The client
// side owns a link-layer socket (to send from 0.0.0.0, as an unconfigured
// client does) and UDP sockets on ports 68 and 67 (a configured client, a
// relay) in the client namespace. Built once per process.
type daemon4ns struct {
	mu       sync.Mutex
	pool     *pool4
	done     chan handled
	serveErr chan error
	raw      *packet.Conn
	cli68    *ipv4.PacketConn
	cli67    *ipv4.PacketConn
	l        *link
	server   *server4.Server
}

var theDaemon4NS = sync.OnceValues(newDaemon4NS)

// newDaemon4NS starts a daemon on a new link.
func newDaemon4NS() (*daemon4ns, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	d := &daemon4ns{l: l, pool: newPool4(), done: make(chan handled, 1), serveErr: make(chan error, 1)}
	logger := server4.DebugLogger{Printfer: dropPrintf4{d.done}}
	handler := func(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
		logger.PrintMessage("received", m) // as CoreDHCP logs each request
		c := &countConn{PacketConn: conn}
		defer func() { d.done <- handled{writes: c.writes, errs: c.errs} }()
		d.pool.handle(c, peer, m)
	}
	if err := l.Server.Do(func() error {
		var err error
		d.server, err = server4.NewServer(l.ServerLink, nil, handler, server4.WithLogger(logger))
		return err
	}); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: server4.NewServer(%q, nil) in the server namespace: %w", l.ServerLink, err)
	}
	go func() { d.serveErr <- d.server.Serve() }()
	if err := l.Client.Do(d.openClient); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the DHCPv4 client side: %w", err)
	}
	return d, nil
}

func (d *daemon4ns) openClient() error {
	ifc, err := net.InterfaceByName(d.l.ClientLink)
	if err != nil {
		return err
	}
	if d.raw, err = packet.Listen(ifc, packet.Datagram, unix.ETH_P_IP, nil); err != nil {
		return err
	}
	for _, port := range []int{dhcpv4.ClientPort, dhcpv4.ServerPort} {
		c, err := net.ListenPacket("udp4", fmt.Sprintf("0.0.0.0:%d", port))
		if err != nil {
			return err
		}
		pc := ipv4.NewPacketConn(c)
		if err := pc.SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true); err != nil {
			return err
		}
		if port == dhcpv4.ClientPort {
			d.cli68 = pc
		} else {
			d.cli67 = pc
		}
	}
	return nil
}

// dropPrintf4 is the Printfer under the server's DebugLogger: "Error
// parsing" is server4's only signal that it dropped a datagram.
type dropPrintf4 struct{ done chan<- handled }

func (l dropPrintf4) Printf(format string, _ ...any) {
	if strings.HasPrefix(format, "Error parsing") {
		l.done <- handled{writes: -1}
	}
}

// NSServer4 sends data, as one UDP datagram, over a veth pair to the real
// server4 daemon in another network namespace, answered by pool4, and
// reads its replies on the client side. The datagram goes the way a DHCPv4
// packet with those fields would travel (RFC 2131 4.1):
//   - giaddr set: unicast from a relay at the client end's address, port
//     67, to the server end's address;
//   - ciaddr set: unicast from a configured client there, port 68;
//   - otherwise: broadcast from 0.0.0.0:68 to 255.255.255.255:67, framed by
//     hand on a link-layer socket.
//
// Besides Server4's checks of each reply (checkReply4), it checks the loop:
//   - invariant: the server handles or drops every datagram (one handler
//     call or one parse error) and keeps serving after it;
//   - invariant: every reply the handler wrote arrives, from the server
//     end's address, port 67, on the client's link, and one to an
//     unconfigured client is broadcast.
//
// Inputs longer than maxDatagramNS are cut to it (one frame on the veth);
// the server reads at most 4096 bytes, which is what the oracles parse.
func NSServer4(data []byte) error {
	d, err := theDaemon4NS()
	if err != nil {
		return err
	}
	return d.run(data)
}

// run is NSServer4 on d.
func (d *daemon4ns) run(data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case err := <-d.serveErr:
		return harness.Violated("invariant", "NSServer4.Serve", "the server stopped serving: %v", err)
	default:
	}
	d.pool.reset()
	data = data[:min(len(data), maxDatagramNS)]
	peer, via, err := d.deliver4(data)
	if err != nil {
		return err
	}
	var h handled
	select {
	case h = <-d.done:
	case err := <-d.serveErr:
		return harness.Violated("invariant", "NSServer4.Serve", "the server stopped serving on a %d-byte datagram: %v", len(data), err)
	case <-time.After(nsGuard):
		return harness.Violated("invariant", "NSServer4.Serve", "a %d-byte datagram neither handled nor dropped in %v", len(data), nsGuard)
	}
	if h.writes <= 0 && len(h.errs) == 0 {
		return nil
	}
	if len(h.errs) > 0 {
		return harness.Violated("invariant", "NSServer4.WriteTo", "the server's socket refused a reply to %v: %v", peer, h.errs[0])
	}
	req, err := dhcpv4.FromBytes(data[:min(len(data), 4096)])
	if err != nil {
		return harness.Violated("invariant", "NSServer4.Handler", "server answered a packet FromBytes rejects (%v)", err)
	}
	for i := 0; i < h.writes; i++ {
		r, err := d.receive(via)
		if err != nil {
			return err
		}
		if err := checkReply4(req, peer, r); err != nil {
			return err
		}
	}
	return nil
}

// deliver4 sends data the way its fields say and returns the peer address
// server4 must see and the client-side socket its replies come back to.
func (d *daemon4ns) deliver4(data []byte) (*net.UDPAddr, *ipv4.PacketConn, error) {
	server := &net.UDPAddr{IP: d.l.srvIP4(), Port: dhcpv4.ServerPort}
	var (
		from *ipv4.PacketConn
		peer *net.UDPAddr
	)
	switch {
	case len(data) >= 28 && !net.IP(data[24:28]).Equal(net.IPv4zero):
		from, peer = d.cli67, &net.UDPAddr{IP: d.l.cliIP4(), Port: dhcpv4.ServerPort}
	case len(data) >= 16 && !net.IP(data[12:16]).Equal(net.IPv4zero):
		from, peer = d.cli68, &net.UDPAddr{IP: d.l.cliIP4(), Port: dhcpv4.ClientPort}
	default:
		frame := ipv4UDP(net.IPv4zero, net.IPv4bcast, dhcpv4.ClientPort, dhcpv4.ServerPort, data)
		if _, err := d.raw.WriteTo(frame, &packet.Addr{HardwareAddr: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}); err != nil {
			return nil, nil, fmt.Errorf("dhcpfuzz: sending a %d-byte broadcast frame: %w", len(frame), err)
		}
		return &net.UDPAddr{IP: net.IPv4zero, Port: dhcpv4.ClientPort}, d.cli68, nil
	}
	if _, err := from.WriteTo(data, nil, server); err != nil {
		return nil, nil, fmt.Errorf("dhcpfuzz: sending %d bytes to %v: %w", len(data), server, err)
	}
	return peer, from, nil
}

// receive reads one reply on c and checks where it came from and went to;
// the datagram's addr is its destination, which checkReply4 judges.
func (d *daemon4ns) receive(c *ipv4.PacketConn) (datagram, error) {
	buf := make([]byte, 65536)
	if err := c.SetReadDeadline(time.Now().Add(nsGuard)); err != nil {
		return datagram{}, err
	}
	n, cm, src, err := c.ReadFrom(buf)
	if err != nil {
		return datagram{}, harness.Violated("invariant", "NSServer4.Reply", "a reply the server wrote never arrived: %v", err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	s, ok := src.(*net.UDPAddr)
	if !ok || !s.IP.Equal(d.l.srvIP4()) || s.Port != dhcpv4.ServerPort || cm == nil || cm.IfIndex != d.l.ClientIndex {
		return datagram{}, harness.Violated("invariant", "NSServer4.Reply.Source", "reply from %v (control %v), want %v:%d on %s", src, cm, d.l.srvIP4(), dhcpv4.ServerPort, d.l.ClientLink)
	}
	return datagram{data: buf[:n], addr: &net.UDPAddr{IP: cm.Dst, Port: port}}, nil
}
