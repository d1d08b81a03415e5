package dhcpfuzz

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/nclient6"
	"github.com/insomniacslk/dhcp/netboot"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// client6 is a real nclient6.Client on an in-memory socket, built once per
// process, driven like client4.
type client6 struct {
	mu     sync.Mutex
	conn   *packetConn
	client *nclient6.Client
	writes chan datagram
}

var theClient6 = sync.OnceValue(func() *client6 {
	c := &client6{
		conn:   newPacketConn(&net.UDPAddr{IP: net.ParseIP("fe80::5054:ff:fe12:3456"), Port: dhcpv6.DefaultClientPort}),
		writes: make(chan datagram, 16),
	}
	c.conn.consumed = make(chan struct{}, 1)
	c.conn.onWrite = func(d datagram) { c.writes <- d }
	cl, err := nclient6.NewWithConn(c.conn, clientMAC4, nclient6.WithTimeout(clientGuard), nclient6.WithRetry(1))
	if err != nil {
		panic(fmt.Sprintf("dhcpfuzz: nclient6.NewWithConn with a conn cannot fail, got %v", err))
	}
	c.client = cl
	return c
})

// Client6 runs the real nclient6 client's RapidSolicit (SOLICIT with rapid
// commit, then REPLY, or ADVERTISE followed by REQUEST/REPLY) against a
// rogue server whose replies are the records of data, one per client
// message, with the client's transaction id copied in. It predicts from
// the wire whether the client must take each reply (it parses as a
// non-relay message, carries the xid, and is a REPLY or ADVERTISE for the
// SOLICIT; anything for the REQUEST, which nclient6 does not filter) and
// checks:
//   - invariant: the client's result matches the prediction;
//   - invariant: the REQUEST names the server that ADVERTISEd (RFC 8415
//     18.2.2) and keeps the client's own identifier.
func Client6(data []byte) error {
	c := theClient6()
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &rogue6{writes: c.writes, deliver: c.deliver, records: splitRecords(data)}
	defer r.drain()
	return r.converse(c.client)
}

// deliver hands pkt to the client's receive loop and returns once the loop
// has finished with it.
func (c *client6) deliver(pkt []byte) error {
	c.conn.in <- datagram{data: pkt, addr: &net.UDPAddr{IP: net.ParseIP("fe80::1"), Port: dhcpv6.DefaultServerPort}}
	<-c.conn.consumed
	return nil
}

// converse runs RapidSolicit on cl against r and judges the result.
func (r *rogue6) converse(cl *nclient6.Client) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	var (
		reply *dhcpv6.Message
		err   error
	)
	go func() {
		defer close(done)
		reply, err = cl.RapidSolicit(ctx)
	}()
	for {
		select {
		case <-done:
			if reply != nil {
				touchMessage6(reply)
				_, _ = netboot.GetNetConfFromPacketv6(reply)
			}
			return r.judge(reply, err)
		case w := <-r.writes:
			ok, verr := r.answer(w)
			if verr != nil {
				cancel()
				<-done
				return verr
			}
			if !ok {
				cancel()
			}
		}
	}
}

// rogue6 plays the server side of one Client6 input.
type rogue6 struct {
	// writes yields what the client sends; deliver hands the client a
	// reply and returns once its receive loop has finished with it.
	writes   <-chan datagram
	deliver  func(pkt []byte) error
	records  [][]byte
	solicit  *dhcpv6.Message // what the client sent first
	advert   *dhcpv6.Message // the ADVERTISE the client must have taken
	final    *dhcpv6.Message // the reply the client must have taken last
	finalFor dhcpv6.MessageType
}

func (r *rogue6) answer(w datagram) (bool, error) {
	sent, err := dhcpv6.MessageFromBytes(w.data)
	if err != nil {
		return false, harness.Violated("invariant", "Client6.Sent", "client wrote a packet MessageFromBytes rejects: %v", err)
	}
	if err := r.checkSent(sent); err != nil {
		return false, err
	}
	r.final = nil
	if len(r.records) == 0 {
		return false, nil
	}
	pkt := append([]byte(nil), r.records[0]...)
	r.records = r.records[1:]
	if len(pkt) >= 4 {
		copy(pkt[1:4], sent.TransactionID[:])
	}
	if err := r.deliver(pkt); err != nil {
		return false, err
	}
	r.final, r.finalFor = r.predict(sent, pkt), sent.Type()
	if r.final != nil && r.final.Type() == dhcpv6.MessageTypeAdvertise && sent.Type() == dhcpv6.MessageTypeSolicit {
		r.advert = r.final
	}
	return r.final != nil, nil
}

// checkSent holds the REQUEST to RFC 8415 18.2.2.
func (r *rogue6) checkSent(sent *dhcpv6.Message) error {
	switch sent.Type() {
	case dhcpv6.MessageTypeSolicit:
		r.solicit = sent
	case dhcpv6.MessageTypeRequest:
		if r.advert == nil {
			return nil
		}
		if got, want := sent.Options.ServerID(), r.advert.Options.ServerID(); got == nil || want == nil || !bytes.Equal(got.ToBytes(), want.ToBytes()) {
			return harness.Violated("invariant", "Client6.Request.ServerID", "%v, advertised by %v", got, want)
		}
		// Tolerated library behaviour: NewRequestFromAdvertise copies
		// the client identifier from the ADVERTISE rather than using the
		// client's own DUID, so a server that answers with another
		// DUID makes the client adopt it (RFC 8415 18.2.2 wants the
		// client's identifier). Compared only when the ADVERTISE echoed
		// the client's own.
		own, adv := r.solicit.Options.ClientID(), r.advert.Options.ClientID()
		if own != nil && adv != nil && bytes.Equal(own.ToBytes(), adv.ToBytes()) {
			if got := sent.Options.ClientID(); got == nil || !bytes.Equal(got.ToBytes(), own.ToBytes()) {
				return harness.Violated("invariant", "Client6.Request.ClientID", "%v, the client's own is %v", got, own)
			}
		}
	}
	return nil
}

// predict returns the reply as the client parses it if it must accept it
// as the answer to sent.
func (r *rogue6) predict(sent *dhcpv6.Message, pkt []byte) *dhcpv6.Message {
	if len(pkt) > 1500 {
		pkt = pkt[:1500] // the client's receive buffer
	}
	m, err := dhcpv6.MessageFromBytes(pkt)
	if err != nil || m.TransactionID != sent.TransactionID {
		return nil
	}
	if sent.Type() == dhcpv6.MessageTypeSolicit && !nclient6.IsMessageType(dhcpv6.MessageTypeReply, dhcpv6.MessageTypeAdvertise)(m) {
		return nil
	}
	return m
}

// judge compares RapidSolicit's result with the prediction: success with
// the last reply when it answered the REQUEST or was a REPLY to the
// SOLICIT, an error otherwise.
func (r *rogue6) judge(reply *dhcpv6.Message, err error) error {
	wantOK := r.final != nil && (r.finalFor == dhcpv6.MessageTypeRequest || r.final.Type() == dhcpv6.MessageTypeReply)
	switch {
	case wantOK && (err != nil || reply == nil || !bytes.Equal(reply.ToBytes(), r.final.ToBytes())):
		return harness.Violated("invariant", "Client6.RapidSolicit", "client returned %v, %v; want the reply %v", reply, err, r.final)
	case !wantOK && err == nil:
		return harness.Violated("invariant", "Client6.RapidSolicit", "client accepted %v; want an error after reply %v", reply, r.final)
	}
	return nil
}

func (r *rogue6) drain() {
	for {
		select {
		case <-r.writes:
		default:
			return
		}
	}
}
