package dhcpfuzz

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/nclient6"
	"golang.org/x/net/ipv6"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// The client that NSClient6 runs with timers: first timeout and tries.
const (
	retransmit6 = 5 * time.Millisecond
	retries6    = 2
)

// maxReply6 is nclient6's receive buffer: a longer datagram is cut to it.
const maxReply6 = 1500

// udpRogue6 is the rogue server's end of a link: [::]:547 on the server end, a
// member of All_DHCP_Relay_Agents_and_Servers there, answering each client
// at the address it wrote from.
type udpRogue6 struct {
	l      *link
	conn   *ipv6.PacketConn
	writes chan datagram // client messages; addr is their source
	dst    chan net.IP   // the destination of each, in step with writes
}

func newUDPRogue6(l *link) (*udpRogue6, error) {
	r := &udpRogue6{l: l, writes: make(chan datagram, 16), dst: make(chan net.IP, 16)}
	err := l.Server.Do(func() error {
		ifc, err := net.InterfaceByName(l.ServerLink)
		if err != nil {
			return err
		}
		c, err := net.ListenPacket("udp6", fmt.Sprintf("[::]:%d", dhcpv6.DefaultServerPort))
		if err != nil {
			return err
		}
		r.conn = ipv6.NewPacketConn(c)
		if err := r.conn.JoinGroup(ifc, &net.UDPAddr{IP: dhcpv6.AllDHCPRelayAgentsAndServers}); err != nil {
			return err
		}
		return r.conn.SetControlMessage(ipv6.FlagDst, true)
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the rogue DHCPv6 server's socket: %w", err)
	}
	go r.read()
	return r, nil
}

func (r *udpRogue6) read() {
	buf := make([]byte, 65536)
	for {
		n, cm, src, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		var dst net.IP
		if cm != nil {
			dst = cm.Dst
		}
		r.writes <- datagram{data: append([]byte(nil), buf[:n]...), addr: src}
		r.dst <- dst
	}
}

// next takes one client message and checks it went to ff02::1:2 from the
// client's link-local address and port (RFC 8415 7.1, 18.2).
func (r *udpRogue6) check(w datagram) error {
	dst := <-r.dst
	src, ok := w.addr.(*net.UDPAddr)
	if !ok || !src.IP.Equal(r.l.cliLL()) || src.Port != dhcpv6.DefaultClientPort || !dst.Equal(dhcpv6.AllDHCPRelayAgentsAndServers) {
		return harness.Violated("invariant", "NSClient6.Sent.Address", "client message from %v to %v, want [%v]:%d to %v", w.addr, dst, r.l.cliLL(), dhcpv6.DefaultClientPort, dhcpv6.AllDHCPRelayAgentsAndServers)
	}
	return nil
}

// client6ns is the strict-mode fixture: nclient6 on the UDP socket its own
// NewIPv6UDPConn opens on the client end's link-local address, behind consumedConn,
// and a udpRogue6 on the other end. Built once per process.
type client6ns struct {
	l      *link
	mu     sync.Mutex
	client *nclient6.Client
	conn   *consumedConn
	rogue  *udpRogue6
	peer   net.Addr // the client's address as the rogue sees it
	writes chan datagram
}

var theNSClient6 = sync.OnceValues(func() (*client6ns, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	c := &client6ns{l: l, writes: make(chan datagram, 16)}
	if c.rogue, err = newUDPRogue6(l); err != nil {
		return nil, err
	}
	err = l.Client.Do(func() error {
		udp, err := nclient6.NewIPv6UDPConn(l.ClientLink, dhcpv6.DefaultClientPort)
		if err != nil {
			return err
		}
		c.conn = &consumedConn{PacketConn: udp, consumed: make(chan struct{}, 1)}
		c.client, err = nclient6.NewWithConn(nil, clientMAC4, nclient6.WithConn(c.conn), nclient6.WithTimeout(clientGuard),
			nclient6.WithRetry(1), nclient6.WithLogDroppedPackets())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: nclient6 on %s: %w", l.ClientLink, err)
	}
	go c.forward()
	return c, nil
})

// forward passes on the client's messages, checking their addresses on the
// way; an address violation is delivered as the message's error.
func (c *client6ns) forward() {
	for w := range c.rogue.writes {
		if err := c.rogue.check(w); err != nil {
			w.data = nil
			w.addr = errAddr{err}
		}
		c.writes <- w
	}
}

// errAddr carries a violation found by forward to the target's goroutine.
type errAddr struct{ err error }

func (errAddr) Network() string  { return "error" }
func (e errAddr) String() string { return e.err.Error() }

// deliver sends pkt to the client and waits for its receive loop to finish
// with it.
func (c *client6ns) deliver(pkt []byte) error {
	pkt = pkt[:min(len(pkt), maxReply6)]
	if _, err := c.rogue.conn.WriteTo(pkt, nil, c.peer); err != nil {
		return fmt.Errorf("dhcpfuzz: the rogue server's send to %v: %w", c.peer, err)
	}
	select {
	case <-c.conn.consumed:
		return nil
	case <-time.After(nsGuard):
		return harness.Violated("invariant", "NSClient6.ReadFrom", "a %d-byte reply never reached the client in %v", len(pkt), nsGuard)
	}
}

// NSClient6 runs nclient6 on its own UDP socket (NewIPv6UDPConn on the
// interface's link-local address) in a network namespace against a rogue
// server across a veth pair, whose replies are the records of data (as in
// Client6). Without an empty record it is Client6 over the wire: the same
// prediction and oracles, plus
//   - invariant: every client message goes from the client end's
//     link-local address, port 546, to ff02::1:2 port 547, and every reply
//     sent reaches the client.
//
// An empty record means the server stays silent at that message: the input
// then runs on a client made by nclient6.New on the interface, with a 5 ms
// first timeout and two tries, through Solicit and Request, the rogue
// answering every message it sees with the next record. What the client
// accepts then depends on timing, so the checks are those timing cannot
// change:
//   - invariant: the client finds the interface's MAC, and keeps the
//     server address it was given;
//   - invariant: what Solicit returns is an ADVERTISE the rogue sent in
//     that step, and what Request returns is a message it sent then, with
//     the step's transaction id;
//   - invariant: a retransmission keeps its transaction id.
func NSClient6(data []byte) error {
	records := splitRecords(data)
	for _, r := range records {
		if len(r) == 0 {
			return client6Timers(records)
		}
	}
	c, err := theNSClient6()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peer = &net.UDPAddr{IP: c.l.cliLL(), Port: dhcpv6.DefaultClientPort, Zone: c.l.srvZone}
	writes := make(chan datagram)
	stop, relayed := make(chan struct{}), make(chan struct{})
	var addrErr error
	go func() {
		defer close(relayed)
		for {
			select {
			case w := <-c.writes:
				if e, ok := w.addr.(errAddr); ok {
					addrErr = e.err
					w = datagram{} // MessageFromBytes rejects it: the step ends
				}
				select {
				case writes <- w:
				case <-stop:
					return
				}
			case <-stop:
				return
			}
		}
	}()
	r := &rogue6{writes: writes, deliver: c.deliver, records: records}
	err = r.converse(c.client)
	close(stop)
	<-relayed // addrErr is the relay's until it has returned
	if addrErr != nil {
		return addrErr
	}
	return err
}

// timers6 is the fixture for inputs with silent steps: a link and a rogue
// that answers on its own; the client is made per input.
type timers6 struct {
	mu    sync.Mutex
	link  *link
	rogue *udpRogue6
	fence net.PacketConn // the client side's own socket for fence datagrams
	seq   uint64
}

var theTimers6 = sync.OnceValues(func() (*timers6, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	t := &timers6{link: l}
	if t.rogue, err = newUDPRogue6(l); err != nil {
		return nil, err
	}
	err = l.Client.Do(func() error {
		var err error
		t.fence, err = net.ListenUDP("udp6", &net.UDPAddr{IP: l.cliLL(), Zone: l.cliZone})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the fence socket: %w", err)
	}
	return t, nil
})

// quiesce sends a fence datagram behind the client's last message on the
// same link and reads up to it (a veth delivers in order), so that nothing
// a finished step sent reaches the next step's rogue.
func (t *timers6) quiesce() error {
	t.seq++
	marker := fmt.Appendf(nil, "daemonfuzz fence %d", t.seq)
	to := &net.UDPAddr{IP: dhcpv6.AllDHCPRelayAgentsAndServers, Port: dhcpv6.DefaultServerPort, Zone: t.link.cliZone}
	if _, err := t.fence.WriteTo(marker, to); err != nil {
		return fmt.Errorf("dhcpfuzz: sending a fence datagram: %w", err)
	}
	for {
		select {
		case w := <-t.rogue.writes:
			<-t.rogue.dst
			if bytes.Equal(w.data, marker) {
				return nil
			}
		case <-time.After(nsGuard):
			return fmt.Errorf("dhcpfuzz: the fence datagram did not come through in %v", nsGuard)
		}
	}
}

// client6Timers runs one input with retransmission timers (see NSClient6).
func client6Timers(records [][]byte) error {
	t, err := theTimers6()
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	server := nclient6.AllDHCPRelayAgentsAndServers
	var cl *nclient6.Client
	err = t.link.Client.Do(func() error {
		var err error
		cl, err = nclient6.New(t.link.ClientLink, nclient6.WithTimeout(retransmit6), nclient6.WithRetry(retries6), nclient6.WithBroadcastAddr(server))
		return err
	})
	if err != nil {
		return fmt.Errorf("dhcpfuzz: nclient6.New(%q): %w", t.link.ClientLink, err)
	}
	defer func() { _ = cl.Close() }()
	if got := cl.InterfaceAddr(); !bytes.Equal(got, t.link.ClientMAC) {
		return harness.Violated("invariant", "NSClient6.InterfaceAddr", "%v, the interface's MAC is %v", got, t.link.ClientMAC)
	}
	if got := cl.RemoteAddr(); !got.IP.Equal(server.IP) || got.Port != server.Port {
		return harness.Violated("invariant", "NSClient6.RemoteAddr", "%v, configured %v", got, server)
	}
	a := &answerer6{rogue: t.rogue, records: records, quiesce: t.quiesce}
	var adv *dhcpv6.Message
	if err := a.run("Solicit", func(ctx context.Context) (err error) {
		adv, err = cl.Solicit(ctx)
		return err
	}); err != nil {
		return err
	}
	if adv == nil {
		return nil
	}
	if err := a.judgeSolicit(adv); err != nil {
		return err
	}
	var reply *dhcpv6.Message
	if err := a.run("Request", func(ctx context.Context) (err error) {
		reply, err = cl.Request(ctx, adv)
		return err
	}); err != nil {
		return err
	}
	return a.judgeRequest(reply)
}

// judgeSolicit checks what Solicit returned against the step's replies.
func (a *answerer6) judgeSolicit(adv *dhcpv6.Message) error {
	if !a.wasSent(adv) || adv.Type() != dhcpv6.MessageTypeAdvertise {
		return harness.Violated("invariant", "NSClient6.Solicit", "returned %v, not an ADVERTISE the rogue sent", adv)
	}
	return nil
}

// judgeRequest checks what Request returned (nil for an error) against the
// step's replies.
func (a *answerer6) judgeRequest(reply *dhcpv6.Message) error {
	if reply != nil && (!a.wasSent(reply) || reply.TransactionID != a.xid) {
		return harness.Violated("invariant", "NSClient6.Request", "returned %v, not a reply the rogue sent for transaction %v", reply, a.xid)
	}
	return nil
}

// answerer6 answers every client message of a step with the next record
// and remembers what it sent.
type answerer6 struct {
	rogue   *udpRogue6
	quiesce func() error
	records [][]byte
	sent    [][]byte
	xid     dhcpv6.TransactionID
}

// run calls call while answering; it fails only on a broken retransmission,
// a misaddressed message or a broken link.
func (a *answerer6) run(name string, call func(context.Context) error) error {
	a.sent = nil
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = call(context.Background()) // the caller judges the result
	}()
	first := true
	for {
		select {
		case <-done:
			return a.quiesce()
		case w := <-a.rogue.writes:
			if err := a.rogue.check(w); err != nil {
				<-done
				return err
			}
			m, err := dhcpv6.MessageFromBytes(w.data)
			if err != nil {
				<-done
				return harness.Violated("invariant", "NSClient6."+name+".Sent", "client wrote a packet MessageFromBytes rejects: %v", err)
			}
			if first {
				a.xid, first = m.TransactionID, false
			} else if m.TransactionID != a.xid {
				<-done
				return harness.Violated("invariant", "NSClient6."+name+".Retransmission", "transaction id %v, the step's is %v", m.TransactionID, a.xid)
			}
			if len(a.records) == 0 {
				continue
			}
			pkt := append([]byte(nil), a.records[0]...)
			a.records = a.records[1:]
			if len(pkt) == 0 {
				continue
			}
			if len(pkt) >= 4 {
				copy(pkt[1:4], m.TransactionID[:])
			}
			pkt = pkt[:min(len(pkt), maxReply6)]
			a.sent = append(a.sent, pkt)
			if _, err := a.rogue.conn.WriteTo(pkt, nil, w.addr); err != nil {
				<-done
				return fmt.Errorf("dhcpfuzz: the rogue server's send to %v: %w", w.addr, err)
			}
		}
	}
}

// wasSent reports whether m is one of the step's replies.
func (a *answerer6) wasSent(m *dhcpv6.Message) bool {
	for _, s := range a.sent {
		if p, err := dhcpv6.MessageFromBytes(s); err == nil && bytes.Equal(p.ToBytes(), m.ToBytes()) {
			return true
		}
	}
	return false
}
