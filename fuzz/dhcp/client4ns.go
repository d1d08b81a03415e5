package dhcpfuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// retransmit4 is the first retransmission timeout of the client that
// NSClient4 runs with timers (doubled at each of its retries4 attempts).
const (
	retransmit4 = 5 * time.Millisecond
	retries4    = 2
)

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// rawRogue4 is the rogue server's end of a link: a link-layer socket on
// the server end that sees every IPv4 frame the client sends (to port 67, whatever
// its IP destination, as an attacker on the segment does) and sends
// replies as frames from 192.0.2.1:67 (pool4's server identifier) to
// 255.255.255.255:68.
type rawRogue4 struct {
	conn   *packet.Conn
	writes chan datagram // client messages; addr is their IP destination
}

func newRawRogue4(l *link) (*rawRogue4, error) {
	r := &rawRogue4{writes: make(chan datagram, 16)}
	err := l.Server.Do(func() error {
		ifc, err := net.InterfaceByName(l.ServerLink)
		if err != nil {
			return err
		}
		r.conn, err = packet.Listen(ifc, packet.Datagram, unix.ETH_P_IP, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the rogue DHCPv4 server's socket: %w", err)
	}
	go r.read()
	return r, nil
}

// read passes on every UDP datagram to port 67 on the link.
func (r *rawRogue4) read() {
	buf := make([]byte, vethMTU)
	for {
		n, _, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		f := buf[:n]
		if len(f) < 28 || f[0]>>4 != 4 || f[9] != 17 {
			continue
		}
		ihl, total := int(f[0]&0x0f)*4, int(binary.BigEndian.Uint16(f[2:]))
		if ihl < 20 || total > len(f) || total < ihl+8 || binary.BigEndian.Uint16(f[ihl+2:]) != dhcpv4.ServerPort {
			continue
		}
		r.writes <- datagram{data: append([]byte(nil), f[ihl+8:total]...),
			addr: &net.UDPAddr{IP: net.IP(append([]byte(nil), f[16:20]...)), Port: dhcpv4.ServerPort}}
	}
}

// send broadcasts pkt to the client port.
func (r *rawRogue4) send(pkt []byte) error {
	frame := ipv4UDP(serverIP4, net.IPv4bcast, dhcpv4.ServerPort, dhcpv4.ClientPort, pkt)
	_, err := r.conn.WriteTo(frame, &packet.Addr{HardwareAddr: broadcastMAC})
	return err
}

// consumedConn signals, when the reader comes back for the next datagram,
// that the receive loop has finished with the last one (see packetConn).
type consumedConn struct {
	net.PacketConn
	consumed chan struct{}
	handed   bool // only the receive loop's goroutine touches it
}

func (c *consumedConn) ReadFrom(b []byte) (int, net.Addr, error) {
	if c.handed {
		c.consumed <- struct{}{}
	}
	n, addr, err := c.PacketConn.ReadFrom(b)
	c.handed = err == nil
	return n, addr, err
}

// client4ns is the strict-mode fixture: nclient4 on its own raw socket
// (NewRawUDPConn on the client end) behind consumedConn, and a
// rawRogue4 on the other end. Built once per process.
type client4ns struct {
	mu     sync.Mutex
	client *nclient4.Client
	conn   *consumedConn
	rogue  *rawRogue4
}

var theNSClient4 = sync.OnceValues(func() (*client4ns, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	c := &client4ns{}
	if c.rogue, err = newRawRogue4(l); err != nil {
		return nil, err
	}
	err = l.Client.Do(func() error {
		raw, err := nclient4.NewRawUDPConn(l.ClientLink, nclient4.ClientPort)
		if err != nil {
			return err
		}
		c.conn = &consumedConn{PacketConn: raw, consumed: make(chan struct{}, 1)}
		c.client, err = nclient4.NewWithConn(c.conn, clientMAC4, nclient4.WithTimeout(clientGuard), nclient4.WithRetry(1),
			nclient4.WithLogger(nclient4.DebugLogger{Printfer: nopPrintf{}}))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: nclient4 on a raw socket on %s: %w", l.ClientLink, err)
	}
	return c, nil
})

// nopPrintf discards the clients' log lines (the loggers still format
// every message, which is what a daemon with logging on runs).
type nopPrintf struct{}

func (nopPrintf) Printf(string, ...any) {}

// deliver sends pkt over the link and waits for the client's receive loop
// to finish with it.
func (c *client4ns) deliver(pkt []byte) error {
	pkt = pkt[:min(len(pkt), nclient4.MaxMessageSize)]
	if err := c.rogue.send(pkt); err != nil {
		return fmt.Errorf("dhcpfuzz: the rogue server's send: %w", err)
	}
	select {
	case <-c.conn.consumed:
		return nil
	case <-time.After(nsGuard):
		return harness.Violated("invariant", "NSClient4.ReadFrom", "a %d-byte reply to port 68 never reached the client in %v", len(pkt), nsGuard)
	}
}

// NSClient4 runs nclient4 on its raw packet socket in a network namespace
// against a rogue server on the other end of a veth pair, whose replies
// are the records of data (as in Client4). Without an empty record it is
// Client4 over the wire: the same prediction and oracles, plus
//   - invariant: the RELEASE goes to the server identifier of the ACK
//     (RFC 2131 4.4.6), and every reply sent reaches the client.
//
// An empty record means the server stays silent at that message, which
// only a retransmission timer ends: the input then runs on a client made
// by nclient4.New on the interface, with a 5 ms first timeout and two
// tries, where the rogue answers every message it sees with the next
// record. What the client accepts then depends on timing, so the checks
// are those the timing cannot change:
//   - invariant: the client finds the interface's MAC and keeps the server
//     address it was given;
//   - invariant: every lease or NAK the client returns is built from
//     replies the rogue sent in that step, of the right type, and the ACK
//     comes from the OFFER's server (nclient4's own matchers);
//   - invariant: a retransmission repeats the message's xid (RFC 2131
//     4.1), as does the REQUEST after the OFFER.
func NSClient4(data []byte) error {
	records := splitRecords(data)
	for _, r := range records {
		if len(r) == 0 {
			return client4Timers(records)
		}
	}
	c, err := theNSClient4()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &rogue4{writes: c.rogue.writes, deliver: c.deliver, records: records}
	return r.converse(c.client, func(lease *nclient4.Lease) error {
		select {
		case w := <-c.rogue.writes:
			return checkRelease4(lease, w)
		case <-time.After(nsGuard):
			return harness.Violated("invariant", "NSClient4.Release", "no RELEASE on the link in %v", nsGuard)
		}
	})
}

// checkRelease4 holds the RELEASE w to RFC 2131 4.4.6 (unicast to the
// server identifier; nclient4 sends it to 0.0.0.0 when the ACK has no
// four-byte identifier).
func checkRelease4(lease *nclient4.Lease, w datagram) error {
	m, err := dhcpv4.FromBytes(w.data)
	if err != nil || m.MessageType() != dhcpv4.MessageTypeRelease {
		return harness.Violated("invariant", "NSClient4.Release", "the client sent %x (%v), want a RELEASE", w.data, err)
	}
	want := net.IP(lease.ACK.Options.Get(dhcpv4.OptionServerIdentifier)).To4()
	if want == nil {
		want = net.IPv4zero
	}
	if to := w.addr.(*net.UDPAddr).IP; !to.Equal(want) {
		return harness.Violated("invariant", "NSClient4.Release.Destination", "RELEASE sent to %v, the ACK's server identifier is %v", to, want)
	}
	return nil
}

// timers4 is the fixture for inputs with silent steps: a link and a rogue
// that answers on its own; the client is made per input.
type timers4 struct {
	mu    sync.Mutex
	link  *link
	rogue *rawRogue4
	fence *packet.Conn // the client side's own socket for fence frames
	seq   uint64
}

var theTimers4 = sync.OnceValues(func() (*timers4, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	t := &timers4{link: l}
	if t.rogue, err = newRawRogue4(l); err != nil {
		return nil, err
	}
	err = l.Client.Do(func() error {
		ifc, err := net.InterfaceByName(l.ClientLink)
		if err != nil {
			return err
		}
		t.fence, err = packet.Listen(ifc, packet.Datagram, unix.ETH_P_IP, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the fence socket: %w", err)
	}
	return t, nil
})

// quiesce returns what the client sent that the rogue has not read yet:
// it sends a fence frame behind the client's last one on the same link
// and reads up to it (a veth delivers in order), so that nothing a closed
// client sent can reach the next input's rogue.
func (t *timers4) quiesce() ([]datagram, error) {
	t.seq++
	marker := fmt.Appendf(nil, "daemonfuzz fence %d", t.seq)
	frame := ipv4UDP(net.IPv4zero, net.IPv4bcast, 9, dhcpv4.ServerPort, marker)
	if _, err := t.fence.WriteTo(frame, &packet.Addr{HardwareAddr: broadcastMAC}); err != nil {
		return nil, fmt.Errorf("dhcpfuzz: sending a fence frame: %w", err)
	}
	var late []datagram
	for {
		select {
		case w := <-t.rogue.writes:
			if bytes.Equal(w.data, marker) {
				return late, nil
			}
			late = append(late, w)
		case <-time.After(nsGuard):
			return nil, fmt.Errorf("dhcpfuzz: the fence frame did not come through in %v", nsGuard)
		}
	}
}

// client4Timers runs one input with retransmission timers (see NSClient4).
func client4Timers(records [][]byte) error {
	t, err := theTimers4()
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	server := &net.UDPAddr{IP: serverIP4, Port: nclient4.ServerPort}
	var cl *nclient4.Client
	err = t.link.Client.Do(func() error {
		var err error
		cl, err = nclient4.New(t.link.ClientLink, nclient4.WithTimeout(retransmit4), nclient4.WithRetry(retries4),
			nclient4.WithServerAddr(server), nclient4.WithLogger(nclient4.ShortSummaryLogger{Printfer: nopPrintf{}}))
		return err
	})
	if err != nil {
		return fmt.Errorf("dhcpfuzz: nclient4.New(%q): %w", t.link.ClientLink, err)
	}
	released, verr := t.converse(cl, server, records)
	_ = cl.Close()
	late, err := t.quiesce()
	if err != nil || verr != nil {
		return errors.Join(verr, err)
	}
	if released == nil {
		return nil
	}
	for _, w := range late {
		if m, err := dhcpv4.FromBytes(w.data); err == nil && m.MessageType() == dhcpv4.MessageTypeRelease {
			return checkRelease4(released, w)
		}
	}
	return harness.Violated("invariant", "NSClient4.Release", "no RELEASE on the link")
}

// converse runs Request, Renew and Release with timers and returns the
// lease it released, if it got that far.
func (t *timers4) converse(cl *nclient4.Client, server *net.UDPAddr, records [][]byte) (*nclient4.Lease, error) {
	if got := cl.InterfaceAddr(); !bytes.Equal(got, t.link.ClientMAC) {
		return nil, harness.Violated("invariant", "NSClient4.InterfaceAddr", "%v, the interface's MAC is %v", got, t.link.ClientMAC)
	}
	if got := cl.RemoteAddr(); !got.IP.Equal(server.IP) || got.Port != server.Port {
		return nil, harness.Violated("invariant", "NSClient4.RemoteAddr", "%v, configured %v", got, server)
	}
	a := &answerer4{rogue: t.rogue, records: records, mac: t.link.ClientMAC}
	var lease *nclient4.Lease
	err := a.run("Request", func(ctx context.Context) (err error) {
		lease, err = cl.Request(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := a.judge("Request", lease, nil); err != nil || lease == nil {
		return nil, err
	}
	offer := lease.Offer
	err = a.run("Renew", func(ctx context.Context) (err error) {
		var l *nclient4.Lease
		if l, err = cl.Renew(ctx, lease); l != nil {
			lease = l
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := a.judge("Renew", lease, offer); err != nil {
		return nil, err
	}
	if err := cl.Release(lease); err != nil {
		return nil, harness.Violated("invariant", "NSClient4.Release", "writing a RELEASE failed: %v", err)
	}
	return lease, nil
}

// answerer4 answers every client message of a step with the next record
// and remembers what it sent.
type answerer4 struct {
	rogue   *rawRogue4
	mac     net.HardwareAddr // the client's, copied into each reply
	records [][]byte
	sent    [][]byte // replies of the current step, as the client reads them
	err     error    // the step's call result
}

// run calls call while answering, and keeps its error for judge. It fails
// only on a broken retransmission or a broken link.
func (a *answerer4) run(name string, call func(context.Context) error) error {
	a.sent = nil
	done := make(chan error, 1)
	go func() { done <- call(context.Background()) }()
	var xid *dhcpv4.TransactionID
	for {
		select {
		case a.err = <-done:
			a.drainLate()
			return nil
		case w := <-a.rogue.writes:
			m, err := dhcpv4.FromBytes(w.data)
			if err != nil {
				<-done
				return harness.Violated("invariant", "NSClient4."+name+".Sent", "client wrote a packet FromBytes rejects: %v", err)
			}
			// The REQUEST takes the OFFER's xid, which the rogue set to
			// the DISCOVER's: one xid per step.
			if xid == nil {
				xid = &m.TransactionID
			} else if m.TransactionID != *xid {
				<-done
				return harness.Violated("invariant", "NSClient4."+name+".Retransmission", "xid %v, the step's is %v", m.TransactionID, *xid)
			}
			if len(a.records) == 0 || len(a.records[0]) == 0 {
				if len(a.records) > 0 {
					a.records = a.records[1:]
				}
				continue
			}
			pkt := append([]byte(nil), a.records[0]...)
			a.records = a.records[1:]
			if len(pkt) >= 8 {
				copy(pkt[4:8], m.TransactionID[:])
			}
			if len(pkt) >= 34 {
				copy(pkt[28:34], a.mac)
			}
			pkt = pkt[:min(len(pkt), nclient4.MaxMessageSize)]
			a.sent = append(a.sent, pkt)
			if err := a.rogue.send(pkt); err != nil {
				<-done
				return fmt.Errorf("dhcpfuzz: the rogue server's send: %w", err)
			}
		}
	}
}

// drainLate forgets client messages still in flight when a step ended.
func (a *answerer4) drainLate() {
	for {
		select {
		case <-a.rogue.writes:
		default:
			return
		}
	}
}

// judge checks a step's result against what the rogue sent in it.
func (a *answerer4) judge(name string, lease *nclient4.Lease, offer *dhcpv4.DHCPv4) error {
	var nak *nclient4.ErrNak
	switch {
	case errors.As(a.err, &nak):
		if !a.wasSent(nak.Nak, dhcpv4.MessageTypeNak) {
			return harness.Violated("invariant", "NSClient4."+name+".Nak", "the client reports a NAK the rogue did not send: %v", nak.Nak)
		}
	case a.err == nil && lease != nil:
		if offer == nil {
			offer = lease.Offer
			if !a.wasSent(offer, dhcpv4.MessageTypeOffer) {
				return harness.Violated("invariant", "NSClient4."+name+".Offer", "the lease's OFFER was not sent as one: %v", offer)
			}
		}
		if !a.wasSent(lease.ACK, dhcpv4.MessageTypeAck) || !nclient4.IsCorrectServer(offer.ServerIdentifier())(lease.ACK) {
			return harness.Violated("invariant", "NSClient4."+name+".ACK", "the lease's ACK was not sent as one by the OFFER's server: %v", lease.ACK)
		}
	}
	return nil
}

// wasSent reports whether m, of type t, is one of the step's replies (or,
// for an OFFER, of the previous step's: Request spans two).
func (a *answerer4) wasSent(m *dhcpv4.DHCPv4, t dhcpv4.MessageType) bool {
	if m == nil || m.MessageType() != t {
		return false
	}
	for _, s := range a.sent {
		if p, err := dhcpv4.FromBytes(s); err == nil && bytes.Equal(p.ToBytes(), m.ToBytes()) {
			return true
		}
	}
	return false
}
