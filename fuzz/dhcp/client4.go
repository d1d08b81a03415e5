package dhcpfuzz

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/insomniacslk/dhcp/netboot"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// clientMAC4 is the hardware address of the client under test.
var clientMAC4 = net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

// clientGuard is the client's reply timeout. The reply is already queued
// for the client when it is needed, so the guard only expires when the
// client and the acceptance model disagree (which the target reports); it
// is long so that a stalled, overloaded machine cannot make the timer race
// a queued reply.
const clientGuard = 30 * time.Second

// client4 is a real nclient4.Client on an in-memory socket, built once per
// process. Its receive loop runs for the life of the process.
type client4 struct {
	mu     sync.Mutex
	conn   *packetConn
	client *nclient4.Client
	writes chan datagram
}

var theClient4 = sync.OnceValue(func() *client4 {
	c := &client4{
		conn:   newPacketConn(&net.UDPAddr{IP: net.IPv4zero, Port: nclient4.ClientPort}),
		writes: make(chan datagram, 16),
	}
	c.conn.consumed = make(chan struct{}, 1)
	c.conn.onWrite = func(d datagram) { c.writes <- d }
	cl, err := nclient4.NewWithConn(c.conn, clientMAC4, nclient4.WithTimeout(clientGuard), nclient4.WithRetry(1))
	if err != nil {
		panic(fmt.Sprintf("dhcpfuzz: nclient4.NewWithConn with a conn and a MAC cannot fail, got %v", err))
	}
	c.client = cl
	return c
})

// Client4 runs the real nclient4 client through Request (DISCOVER/OFFER,
// REQUEST/ACK), Renew, Inform and Release against a rogue server whose replies are
// the records of data (see EncodeRecords), one per client message. Like an
// attacker on the segment, the server copies the client's xid and MAC into
// each reply. The target predicts from the wire alone whether the client
// must take each reply (it parses, is a BOOTREPLY for this xid and MAC, and
// passes the client's own matchers for the step) and checks:
//   - invariant: the client accepts exactly the replies predicted, and
//     reports a NAK as *nclient4.ErrNak;
//   - invariant: the REQUEST after an OFFER asks for the offered address
//     from the offering server (RFC 2131 4.3.2).
//
// A reply the client must ignore ends the step by cancelling its context,
// so no input ever waits on a timer.
func Client4(data []byte) error {
	c := theClient4()
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &rogue4{writes: c.writes, deliver: c.deliver, records: splitRecords(data)}
	defer r.drain()
	return r.converse(c.client, func(*nclient4.Lease) error { return nil })
}

// deliver hands pkt to the client's receive loop and returns once the loop
// has finished with it.
func (c *client4) deliver(pkt []byte) error {
	c.conn.in <- datagram{data: pkt, addr: &net.UDPAddr{IP: serverIP4, Port: nclient4.ServerPort}}
	<-c.conn.consumed
	return nil
}

// converse runs Request, Renew, Inform and Release on cl against r;
// released checks the RELEASE the client wrote for lease.
func (r *rogue4) converse(cl *nclient4.Client, released func(lease *nclient4.Lease) error) error {
	var lease *nclient4.Lease
	err := r.step("Request", func(ctx context.Context) error {
		var err error
		lease, err = cl.Request(ctx)
		return err
	})
	if err != nil || lease == nil {
		return err
	}
	touchV4(lease.Offer)
	touchV4(lease.ACK)
	_, _ = netboot.ConversationToNetconfv4([]*dhcpv4.DHCPv4{lease.Offer, lease.ACK})
	r.lease = lease
	if err := r.step("Renew", func(ctx context.Context) error {
		l, err := cl.Renew(ctx, lease)
		if l != nil {
			lease = l
		}
		return err
	}); err != nil {
		return err
	}
	if err := r.step("Inform", func(ctx context.Context) error {
		ack, err := cl.Inform(ctx, lease.ACK.YourIPAddr)
		if ack != nil {
			touchV4(ack)
		}
		return err
	}); err != nil {
		return err
	}
	if err := cl.Release(lease); err != nil {
		return harness.Violated("invariant", "Client4.Release", "writing a RELEASE failed: %v", err)
	}
	return released(lease)
}

// rogue4 plays the server side of one Client4 input.
type rogue4 struct {
	// writes yields what the client sends; deliver hands the client a
	// reply and returns once its receive loop has finished with it.
	writes  <-chan datagram
	deliver func(pkt []byte) error
	records [][]byte
	offer   *dhcpv4.DHCPv4 // the OFFER the client must have accepted
	lease   *nclient4.Lease
	// final is the reply the client must have accepted last in the current
	// step, nil if it must have accepted none.
	final *dhcpv4.DHCPv4
}

// step runs call while answering what the client writes, then compares
// the call's result with the prediction.
func (r *rogue4) step(name string, call func(context.Context) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	r.final = nil
	go func() { done <- call(ctx) }()
	for {
		select {
		case err := <-done:
			return r.judge(name, err)
		case w := <-r.writes:
			ok, err := r.answer(name, w)
			if err != nil {
				cancel()
				<-done
				return err
			}
			if !ok {
				cancel()
			}
		}
	}
}

// answer checks the client's message w, hands it the next record as the
// reply and reports whether the client must accept that reply (false also
// when no record is left).
func (r *rogue4) answer(name string, w datagram) (bool, error) {
	sent, err := dhcpv4.FromBytes(w.data)
	if err != nil {
		return false, harness.Violated("invariant", "Client4."+name+".Sent", "client wrote a packet FromBytes rejects: %v", err)
	}
	if err := r.checkSent(name, sent); err != nil {
		return false, err
	}
	r.final = nil
	if len(r.records) == 0 {
		return false, nil
	}
	pkt := append([]byte(nil), r.records[0]...)
	r.records = r.records[1:]
	if len(pkt) >= 8 {
		copy(pkt[4:8], sent.TransactionID[:])
	}
	if len(pkt) >= 34 {
		copy(pkt[28:34], clientMAC4)
	}
	if err := r.deliver(pkt); err != nil {
		return false, err
	}
	r.final = r.predict(sent, pkt)
	if r.final != nil && sent.MessageType() == dhcpv4.MessageTypeDiscover {
		r.offer = r.final
	}
	return r.final != nil, nil
}

// checkSent holds the client to RFC 2131 4.3.2 for the REQUEST it builds.
func (r *rogue4) checkSent(name string, sent *dhcpv4.DHCPv4) error {
	if sent.MessageType() != dhcpv4.MessageTypeRequest {
		return nil
	}
	switch {
	case name == "Request" && r.offer != nil:
		if got := sent.RequestedIPAddress(); !got.Equal(r.offer.YourIPAddr) {
			return harness.Violated("invariant", "Client4.Request.RequestedIPAddress", "%v, offered %v", got, r.offer.YourIPAddr)
		}
		if got, want := sent.Options.Get(dhcpv4.OptionServerIdentifier), r.offer.Options.Get(dhcpv4.OptionServerIdentifier); !bytes.Equal(got, want) {
			return harness.Violated("invariant", "Client4.Request.ServerIdentifier", "%x, offer's %x", got, want)
		}
	case name == "Renew" && r.lease != nil:
		if !sent.ClientIPAddr.Equal(r.lease.ACK.YourIPAddr.To4()) && !(sent.ClientIPAddr.IsUnspecified() && r.lease.ACK.YourIPAddr.To4() == nil) {
			return harness.Violated("invariant", "Client4.Renew.ClientIPAddr", "%v, leased %v", sent.ClientIPAddr, r.lease.ACK.YourIPAddr)
		}
	}
	return nil
}

// predict returns the reply parsed as the client will see it if the client
// must accept it as the answer to sent, nil otherwise.
func (r *rogue4) predict(sent *dhcpv4.DHCPv4, pkt []byte) *dhcpv4.DHCPv4 {
	if len(pkt) > nclient4.MaxMessageSize {
		pkt = pkt[:nclient4.MaxMessageSize] // the client's receive buffer
	}
	m, err := dhcpv4.FromBytes(pkt)
	if err != nil || m.OpCode != dhcpv4.OpcodeBootReply || !bytes.Equal(m.ClientHWAddr, clientMAC4) || m.TransactionID != sent.TransactionID {
		return nil
	}
	var match nclient4.Matcher
	switch sent.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		match = nclient4.IsMessageType(dhcpv4.MessageTypeOffer)
	case dhcpv4.MessageTypeRequest:
		if r.offer == nil {
			return nil
		}
		match = nclient4.IsAll(nclient4.IsCorrectServer(r.offer.ServerIdentifier()),
			nclient4.IsMessageType(dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak))
	case dhcpv4.MessageTypeInform:
		match = nclient4.IsMessageType(dhcpv4.MessageTypeAck)
	default:
		return nil
	}
	if !match(m) {
		return nil
	}
	return m
}

// judge compares the client's result for a step with the prediction.
func (r *rogue4) judge(name string, err error) error {
	var nak *nclient4.ErrNak
	want := "an error"
	ok := err != nil && !errors.As(err, &nak)
	if r.final != nil {
		switch r.final.MessageType() {
		case dhcpv4.MessageTypeAck:
			want, ok = "success", err == nil
		case dhcpv4.MessageTypeNak:
			want, ok = "*ErrNak", errors.As(err, &nak)
			if ok {
				_ = nak.Error()
			}
		}
	}
	if !ok {
		return harness.Violated("invariant", "Client4."+name, "client returned %v, want %s after reply %v", err, want, r.final)
	}
	return nil
}

// drain forgets what the client wrote after the last step (the RELEASE).
func (r *rogue4) drain() {
	for {
		select {
		case <-r.writes:
		default:
			return
		}
	}
}
