package dhcpfuzz

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/google/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/rfc1035label"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Each test here proves an oracle can fail: it feeds the oracle a
// disagreement (a crafted input, or a wrong implementation injected in
// place of the library's) and requires a *harness.Violation naming the
// right oracle and field.

func wantViolation(t *testing.T, err error, oracle, field string) {
	t.Helper()
	var v *harness.Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want a *harness.Violation (%s at %s)", err, oracle, field)
	}
	if v.Oracle != oracle || v.Field != field {
		t.Fatalf("got oracle %q field %q, want %q %q (%v)", v.Oracle, v.Field, oracle, field, v)
	}
}

func discover(t *testing.T) *dhcpv4.DHCPv4 {
	t.Helper()
	m, err := dhcpv4.NewDiscovery(clientMAC4, dhcpv4.WithTransactionID(dhcpv4.TransactionID{1, 2, 3, 4}),
		dhcpv4.WithOption(dhcpv4.OptRouter(net.IPv4(192, 0, 2, 1))))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRoundTripV4Fails(t *testing.T) {
	a := discover(t)
	b, _ := dhcpv4.FromBytes(a.ToBytes())
	if err := equalV4(normalV4(a), normalV4(b)); err != nil {
		t.Fatalf("a parsed copy must be equal: %v", err)
	}
	b.HopCount++
	wantViolation(t, equalV4(a, b), "roundtrip", "HopCount")
	b, _ = dhcpv4.FromBytes(a.ToBytes())
	b.Options[uint8(dhcpv4.OptionRouter.Code())] = []byte{10, 0, 0, 1}
	wantViolation(t, equalV4(a, b), "roundtrip", "Options[3]")
}

// mangled is a wrong typed codec: it drops the last byte on re-encoding.
type mangled struct{ b []byte }

func (m *mangled) FromBytes(p []byte) error { m.b = p; return nil }
func (m *mangled) ToBytes() []byte          { return m.b[:len(m.b)-1] }

func TestTypedV4Fails(t *testing.T) {
	saved := canonicalV4
	defer func() { canonicalV4 = saved }()
	canonicalV4 = append(canonicalV4[:0:0], saved[0]) // OptionRouter
	canonicalV4[0].decoder = func() optionCodec { return &mangled{} }
	wantViolation(t, V4Wire(discover(t).ToBytes()), "roundtrip", "Options[Router]")
}

func relayedSolicit(t *testing.T) dhcpv6.DHCPv6 {
	t.Helper()
	m := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeSolicit, TransactionID: dhcpv6.TransactionID{1, 2, 3}}
	m.AddOption(dhcpv6.OptClientID(&dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: clientMAC4}))
	r, err := dhcpv6.EncapsulateRelay(m, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8::1"), net.ParseIP("fe80::1"))
	if err != nil {
		t.Fatal(err)
	}
	r.AddOption(dhcpv6.OptInterfaceID([]byte("eth0")))
	return r
}

func TestRoundTripV6Fails(t *testing.T) {
	a := relayedSolicit(t)
	b, _ := dhcpv6.FromBytes(a.ToBytes())
	if err := equalV6("", a, b); err != nil {
		t.Fatalf("a parsed copy must be equal: %v", err)
	}
	inner, _ := b.GetInnerMessage()
	inner.TransactionID[0]++
	b2, _ := dhcpv6.EncapsulateRelay(inner, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8::1"), net.ParseIP("fe80::1"))
	b2.AddOption(dhcpv6.OptInterfaceID([]byte("eth0")))
	wantViolation(t, equalV6("", a, b2), "roundtrip", "Relay.TransactionID")
	b3, _ := dhcpv6.EncapsulateRelay(inner, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8::1"), net.ParseIP("fe80::1"))
	b3.AddOption(dhcpv6.OptInterfaceID([]byte("eth1")))
	inner.TransactionID[0]--
	wantViolation(t, equalV6("", a, b3), "roundtrip", "Options[1](Interface ID)")
}

func TestDecapsulationV6Fails(t *testing.T) {
	saved := decapsulateRelayIndex
	defer func() { decapsulateRelayIndex = saved }()
	decapsulateRelayIndex = func(l dhcpv6.DHCPv6, _ int) (dhcpv6.DHCPv6, error) { return l, nil } // never decapsulates
	wantViolation(t, V6Wire(relayedSolicit(t).ToBytes()), "invariant", "Relay[0].RelayMessage")
}

func TestLabelFails(t *testing.T) {
	saved := reparseLabels
	defer func() { reparseLabels = saved }()
	reparseLabels = func(b []byte) (*rfc1035label.Labels, error) {
		l, err := saved(b)
		if err == nil {
			l.Labels = l.Labels[1:] // loses the first name
		}
		return l, err
	}
	wantViolation(t, Label([]byte{3, 'f', 'o', 'o', 0, 3, 'b', 'a', 'r', 0}), "roundtrip", "len(Labels)")
}

func TestReplyV4Fails(t *testing.T) {
	req := discover(t)
	good, _ := dhcpv4.NewReplyFromRequest(req, dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(addr4(0)))
	bcast := &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort}
	peer := &net.UDPAddr{IP: net.IPv4zero, Port: dhcpv4.ClientPort}
	if err := checkReply4(req, peer, datagram{good.ToBytes(), bcast}); err != nil {
		t.Fatalf("a correct OFFER must pass: %v", err)
	}
	cases := []struct {
		field string
		mod   func(r *dhcpv4.DHCPv4)
		to    net.Addr
	}{
		{"Reply.TransactionID", func(r *dhcpv4.DHCPv4) { r.TransactionID[0]++ }, bcast},
		{"Reply.ClientHWAddr", func(r *dhcpv4.DHCPv4) { r.ClientHWAddr = net.HardwareAddr{1, 2, 3, 4, 5, 6} }, bcast},
		{"Reply.YourIPAddr", func(r *dhcpv4.DHCPv4) { r.YourIPAddr = net.IPv4(10, 0, 0, 1).To4() }, bcast},
		{"Reply.Options[Relay Agent Information]", func(r *dhcpv4.DHCPv4) {
			r.UpdateOption(dhcpv4.OptRelayAgentInfo(dhcpv4.OptGeneric(dhcpv4.AgentCircuitIDSubOption, []byte("x"))))
		}, bcast},
		{"Reply.Destination", func(r *dhcpv4.DHCPv4) {}, &net.UDPAddr{IP: net.IPv4(192, 0, 2, 9), Port: 68}},
	}
	for _, c := range cases {
		r, _ := dhcpv4.FromBytes(good.ToBytes())
		c.mod(r)
		wantViolation(t, checkReply4(req, peer, datagram{r.ToBytes(), c.to}), "invariant", c.field)
	}
}

func TestServer4Answers(t *testing.T) {
	d := theDaemon4()
	d.mu.Lock()
	d.pool.reset()
	replies := d.send(discover(t).ToBytes(), &net.UDPAddr{IP: net.IPv4zero, Port: 68})
	d.mu.Unlock()
	if len(replies) != 1 {
		t.Fatalf("server4 wrote %d replies to a DISCOVER, want 1", len(replies))
	}
	offer, err := dhcpv4.FromBytes(replies[0].data)
	if err != nil || offer.MessageType() != dhcpv4.MessageTypeOffer || index4(offer.YourIPAddr) < 0 {
		t.Fatalf("want an OFFER from the pool, got %v (%v)", offer, err)
	}
	if err := Server4(discover(t).ToBytes()); err != nil {
		t.Fatal(err)
	}
}

func TestReplyV6Fails(t *testing.T) {
	req := relayedSolicit(t)
	if err := Server6(req.ToBytes()); err != nil {
		t.Fatalf("the real server's answer must pass: %v", err)
	}
	inner, _ := req.GetInnerMessage()
	adv, _ := dhcpv6.NewAdvertiseFromSolicit(inner, dhcpv6.WithServerID(serverDUID6))
	if err := checkReply6(inner, datagram{data: adv.ToBytes()}); err != nil {
		t.Fatalf("a correct ADVERTISE must pass: %v", err)
	}
	wantViolation(t, checkReply6(req, datagram{data: adv.ToBytes()}), "invariant", "Reply.MessageType")
	adv.TransactionID[2]++
	wantViolation(t, checkReply6(inner, datagram{data: adv.ToBytes()}), "invariant", "Reply.TransactionID")
	adv.TransactionID[2]--
	adv.AddOption(&dhcpv6.OptIANA{Options: dhcpv6.IdentityOptions{Options: dhcpv6.Options{&dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8:9::1")}}}})
	wantViolation(t, checkReply6(inner, datagram{data: adv.ToBytes()}), "invariant", "Reply.IANA.Address")
}

func TestExchangeFails(t *testing.T) {
	offer, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(addr4(1)))
	nak, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeNak))
	var clients [exClients]exClient
	clients[0] = exClient{offer: offer, freshOffer: true}
	wantViolation(t, exAdvance(&clients, &clients[0], ExSelect, discover(t), nak), "invariant", "Exchange.Ack")
	ack, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(addr4(1)))
	clients[1] = exClient{ack: ack, freshAck: true}
	clients[0] = exClient{}
	wantViolation(t, exAdvance(&clients, &clients[0], ExReboot, discover(t), ack), "invariant", "Exchange.Ack.YourIPAddr")
	// And the real server keeps its promises on a full conversation.
	script := []byte{ExDiscover, 0, 0xff, ExSelect, 0, 0, ExRenew, 0, 0, ExRelease, 0, 0, ExDiscover, 1, 0, ExSelect, 1, 0}
	if err := Exchange4(script); err != nil {
		t.Fatal(err)
	}
}

func TestClient4Fails(t *testing.T) {
	ack, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(addr4(1)))
	r := &rogue4{final: ack}
	wantViolation(t, r.judge("Request", context.Canceled), "invariant", "Client4.Request")
	r = &rogue4{}
	wantViolation(t, r.judge("Renew", nil), "invariant", "Client4.Renew")
	offer, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(addr4(1)))
	req, _ := dhcpv4.NewRequestFromOffer(offer)
	req.UpdateOption(dhcpv4.OptRequestedIPAddress(addr4(2)))
	r = &rogue4{offer: offer}
	wantViolation(t, r.checkSent("Request", req), "invariant", "Client4.Request.RequestedIPAddress")
}

func TestClient4Leases(t *testing.T) {
	disc := discover(t)
	mk := func(tp dhcpv4.MessageType) []byte {
		m, _ := dhcpv4.NewReplyFromRequest(disc, dhcpv4.WithMessageType(tp), dhcpv4.WithYourIP(addr4(3)),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP4)))
		return m.ToBytes()
	}
	// OFFER, ACK, ACK: the client must take the lease and renew it; OFFER
	// then NAK: it must report ErrNak. Either way the model must agree.
	for _, in := range [][]byte{
		EncodeRecords(mk(dhcpv4.MessageTypeOffer), mk(dhcpv4.MessageTypeAck), mk(dhcpv4.MessageTypeAck)),
		EncodeRecords(mk(dhcpv4.MessageTypeOffer), mk(dhcpv4.MessageTypeNak)),
		EncodeRecords(mk(dhcpv4.MessageTypeAck)),
	} {
		if err := Client4(in); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStructuredV4Fails(t *testing.T) {
	b := &builder4{expect: map[uint8]func(*dhcpv4.DHCPv4) error{}}
	b.expectEq(dhcpv4.OptionRouter, "Router", []net.IP{net.IPv4(192, 0, 2, 1)}, func(m *dhcpv4.DHCPv4) any { return m.Router() })
	m := discover(t)
	if err := b.expect[3](m); err != nil {
		t.Fatalf("the same router must pass: %v", err)
	}
	m.UpdateOption(dhcpv4.OptRouter(net.IPv4(192, 0, 2, 2)))
	wantViolation(t, b.expect[3](m), "roundtrip", "Structured.Router")
}

func TestDifferentialV4Fails(t *testing.T) {
	m := discover(t)
	var g layers.DHCPv4
	if err := g.DecodeFromBytes(m.ToBytes(), nil); err != nil {
		t.Fatal(err)
	}
	if err := compareHeaderV4(m, &g); err != nil {
		t.Fatalf("the same packet must agree: %v", err)
	}
	if err := compareOptionsV4(m.Options, g.Options); err != nil {
		t.Fatalf("the same packet must agree: %v", err)
	}
	g.Xid++
	wantViolation(t, compareHeaderV4(m, &g), "differential", "TransactionID")
	g.Options = append(g.Options, layers.NewDHCPOption(layers.DHCPOptRouter, []byte{10, 0, 0, 1}))
	wantViolation(t, compareOptionsV4(m.Options, g.Options), "differential", "Options[3]")
	// D4.1: a packet without End is gopacket-only, and tolerated.
	wire := m.ToBytes()
	noEnd := wire[:240+len(m.Options.ToBytes())]
	if err := V4Differential(noEnd); err != nil {
		t.Fatalf("a missing End option is a documented divergence: %v", err)
	}
}

func TestDifferentialV6Fails(t *testing.T) {
	a := relayedSolicit(t)
	if err := V6Differential(a.ToBytes()); err != nil {
		t.Fatalf("the same bytes must agree: %v", err)
	}
	wire := a.ToBytes()
	other := append([]byte(nil), wire...)
	other[1]++ // hop count, as gopacket will see it
	wantViolation(t, compareV6("", a, other, 0), "differential", "HopCount")
	wantViolation(t, compareV6("", a, wire[:3], 0), "differential", "Accept")
	inner, _ := a.GetInnerMessage()
	changed := &dhcpv6.Message{MessageType: inner.MessageType, TransactionID: inner.TransactionID}
	changed.AddOption(dhcpv6.OptClientID(&dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: net.HardwareAddr{9, 9, 9, 9, 9, 9}}))
	wantViolation(t, compareV6("", inner, changed.ToBytes(), 0), "differential", "Options[0](Client ID)")
}

func TestRawUDP4Fails(t *testing.T) {
	seeds, err := harness.LoadCorpus("dhcp-rawudp4")
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, s := range seeds {
		if err := RawUDP4(s.Data); err != nil {
			t.Fatalf("%s: %v", s.Path, err)
		}
		c := nclient4.NewBroadcastUDPConn(&frameConn{frames: [][]byte{s.Data}}, &net.UDPAddr{Port: nclient4.ClientPort})
		buf := make([]byte, nclient4.MaxMessageSize)
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			continue
		}
		accepted++
		bad := append([]byte(nil), buf[:n]...)
		bad[0] ^= 0xff
		wantViolation(t, checkRawUDP4(s.Data, bad, from), "invariant", "RawUDP4.Payload")
		wantViolation(t, checkRawUDP4(s.Data, buf[:n], &net.UDPAddr{IP: net.IPv4(10, 9, 9, 9), Port: 67}), "invariant", "RawUDP4.Source")
	}
	if accepted == 0 {
		t.Fatal("no dhcp-rawudp4 seed is accepted by BroadcastRawUDPConn; the seeds are wrong")
	}
}

func TestClient6Fails(t *testing.T) {
	seeds, err := harness.LoadCorpus("dhcp-client6")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds {
		if err := Client6(s.Data); err != nil {
			t.Fatalf("%s: %v", s.Path, err)
		}
	}
	sol := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeSolicit, TransactionID: dhcpv6.TransactionID{1, 2, 3}}
	reply := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeReply, TransactionID: sol.TransactionID}
	r := &rogue6{final: reply, finalFor: dhcpv6.MessageTypeSolicit}
	wantViolation(t, r.judge(nil, context.Canceled), "invariant", "Client6.RapidSolicit")
	r = &rogue6{}
	wantViolation(t, r.judge(reply, nil), "invariant", "Client6.RapidSolicit")
	adv := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeAdvertise, TransactionID: sol.TransactionID}
	adv.AddOption(dhcpv6.OptServerID(serverDUID6))
	req := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeRequest, TransactionID: sol.TransactionID}
	req.AddOption(dhcpv6.OptServerID(&dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: net.HardwareAddr{9, 9, 9, 9, 9, 9}}))
	r = &rogue6{solicit: sol, advert: adv}
	wantViolation(t, r.checkSent(req), "invariant", "Client6.Request.ServerID")
}

// Every decoder of a differential sees every input, whatever the other
// decoder said (a gopacket panic on a packet insomniac rejects is a
// finding).
func TestDifferentialsGiveGopacketWhatInsomniacRejects(t *testing.T) {
	// A relay-forward whose relayed message is 3 octets: insomniac rejects
	// the whole packet; gopacket must decode it and the relayed bytes.
	relay := append([]byte{byte(dhcpv6.MessageTypeRelayForward), 0}, make([]byte, 32)...)
	relay = append(relay, 0, byte(dhcpv6.OptionRelayMsg), 0, 3, 1, 2, 3)
	if _, err := dhcpv6.FromBytes(relay); err == nil {
		t.Fatal("insomniac accepts the relayed 3-octet message; the test needs one it rejects")
	}
	var seen []int
	real6 := gopacketV6
	t.Cleanup(func() { gopacketV6 = real6 })
	gopacketV6 = func(raw []byte) (*layers.DHCPv6, error) { seen = append(seen, len(raw)); return real6(raw) }
	if err := V6Differential(relay); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != len(relay) || seen[1] != 3 {
		t.Fatalf("gopacket decoded inputs of lengths %v, want [%d 3]", seen, len(relay))
	}
	gopacketV6 = func([]byte) (*layers.DHCPv6, error) { panic("gopacket bug") }
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("a gopacket panic on a packet insomniac rejects was swallowed")
			}
		}()
		_ = V6Differential(relay)
	}()

	short := []byte{1, 1, 6, 0, 1, 2, 3, 4} // a BOOTP header cut at 8 octets
	if _, err := dhcpv4.FromBytes(short); err == nil {
		t.Fatal("insomniac accepts 8 octets; the test needs an input it rejects")
	}
	seen = nil
	real4 := gopacketV4
	t.Cleanup(func() { gopacketV4 = real4 })
	gopacketV4 = func(raw []byte) (*layers.DHCPv4, error) { seen = append(seen, len(raw)); return real4(raw) }
	_ = V4Differential(short)
	if len(seen) != 1 {
		t.Fatalf("gopacket decoded %d inputs, want the one insomniac rejects", len(seen))
	}
}
