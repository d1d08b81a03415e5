package dhcpfuzz

import (
	"context"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"

	"github.com/daemonfuzz/daemonfuzz/internal/netns"
)

// The namespace targets' own oracles, each shown to fire: on a daemon of
// the test's own (so breaking it spares the targets' fixtures), or on the
// check with a crafted input.

func TestNSServer4Fails(t *testing.T) {
	netns.Require(t)
	d, err := newDaemon4NS()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.run(discover(t).ToBytes()); err != nil {
		t.Fatalf("the real server's answer must pass: %v", err)
	}
	// A datagram to the client port from anyone but the server.
	err = d.l.Client.Do(func() error {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.WriteTo([]byte("not the server"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: dhcpv4.ClientPort})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.receive(d.cli68)
	wantViolation(t, err, "invariant", "NSServer4.Reply.Source")
	// A daemon that stopped serving.
	_ = d.server.Close()
	wantViolation(t, d.run(discover(t).ToBytes()), "invariant", "NSServer4.Serve")
}

func TestNSServer6Fails(t *testing.T) {
	netns.Require(t)
	d, err := newDaemon6NS()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.run(relayedSolicit(t).ToBytes()); err != nil {
		t.Fatalf("the real server's answer must pass: %v", err)
	}
	err = d.l.Client.Do(func() error {
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: d.l.cliLL(), Zone: d.l.cliZone})
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.WriteTo([]byte("not the server"), &net.UDPAddr{IP: d.l.cliLL(), Port: dhcpv6.DefaultServerPort, Zone: d.l.cliZone})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.receive(d.cli547)
	wantViolation(t, err, "invariant", "NSServer6.Reply.Source")
	_ = d.server.Close()
	wantViolation(t, d.run(relayedSolicit(t).ToBytes()), "invariant", "NSServer6.Serve")
}

func TestNSClient4Fails(t *testing.T) {
	ack, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(addr4(1)), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP4)))
	rel, _ := dhcpv4.NewReleaseFromACK(ack)
	lease := &nclient4.Lease{ACK: ack}
	if err := checkRelease4(lease, datagram{rel.ToBytes(), &net.UDPAddr{IP: serverIP4}}); err != nil {
		t.Fatalf("a RELEASE to the server identifier must pass: %v", err)
	}
	wantViolation(t, checkRelease4(lease, datagram{rel.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast}}), "invariant", "NSClient4.Release.Destination")

	offer, _ := dhcpv4.NewReplyFromRequest(discover(t), dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithYourIP(addr4(1)), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP4)))
	a := &answerer4{sent: [][]byte{offer.ToBytes(), ack.ToBytes()}}
	if err := a.judge("Request", &nclient4.Lease{Offer: offer, ACK: ack}, nil); err != nil {
		t.Fatalf("a lease built from what was sent must pass: %v", err)
	}
	a.sent = a.sent[:1]
	wantViolation(t, a.judge("Request", &nclient4.Lease{Offer: offer, ACK: ack}, nil), "invariant", "NSClient4.Request.ACK")
}

func TestNSClient6Fails(t *testing.T) {
	netns.Require(t)
	l, err := newLink()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := &udpRogue6{l: l, dst: make(chan net.IP, 2)}
	from := &net.UDPAddr{IP: l.cliLL(), Port: dhcpv6.DefaultClientPort}
	r.dst <- dhcpv6.AllDHCPRelayAgentsAndServers
	if err := r.check(datagram{addr: from}); err != nil {
		t.Fatalf("a SOLICIT from the client's link-local address to ff02::1:2 must pass: %v", err)
	}
	r.dst <- dhcpv6.AllDHCPServers
	wantViolation(t, r.check(datagram{addr: from}), "invariant", "NSClient6.Sent.Address")
}

// leakyServer6 is a NewServer that opens a descriptor and fails without
// closing it.
func leakyServer6(string, *net.UDPAddr, server6.Handler, ...server6.ServerOpt) (*server6.Server, error) {
	_, err := os.Open("/dev/null")
	if err == nil {
		err = os.ErrInvalid
	}
	return nil, err
}

func TestNSListenFails(t *testing.T) {
	netns.Require(t)
	for _, in := range []string{"4 - -", "6 - -"} {
		if err := NSListen([]byte(in)); err != nil {
			t.Fatalf("%q must start and stop cleanly: %v", in, err)
		}
	}
	saved := newServer6
	defer func() { newServer6 = saved }()
	newServer6 = leakyServer6
	wantViolation(t, NSListen([]byte("6 nosuch0 -")), "invariant", "NSListen.Descriptors")
	newServer6 = saved

	c, _ := parseListen([]byte("4 - 0.0.0.0:67"))
	wantViolation(t, c.checkStarted(&net.UDPAddr{IP: net.IPv4zero, Port: 68}, true), "invariant", "NSListen.LocalAddr")
	wantViolation(t, c.checkStarted(&net.UDPAddr{IP: net.IPv4zero, Port: 67}, false), "invariant", "NSListen.NewServer.Interface")
	wantViolation(t, c.checkFailed(os.ErrInvalid, true), "invariant", "NSListen.NewServer.Failed")
	c, _ = parseListen([]byte("4 - [2001:db8::1]:67"))
	wantViolation(t, c.checkStarted(&net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: 67}, true), "invariant", "NSListen.NewServer.Family")
}

// waitDrained is a step's client call that returns once the test's fake
// link has handed every queued message to the answerer: the answerer then
// judges them all before it sees the call return.
func waitDrained[T any](ch chan T) func(context.Context) error {
	return func(context.Context) error {
		for len(ch) > 0 {
			time.Sleep(time.Millisecond)
		}
		return nil
	}
}

func TestNSClient4TimersFail(t *testing.T) {
	d1, d2 := discover(t), discover(t)
	d2.TransactionID[0]++
	writes := make(chan datagram, 2)
	writes <- datagram{data: d1.ToBytes()}
	writes <- datagram{data: d2.ToBytes()}
	a := &answerer4{rogue: &rawRogue4{writes: writes}}
	wantViolation(t, a.run("Request", waitDrained(writes)), "invariant", "NSClient4.Request.Retransmission")
}

func TestNSClient6TimersFail(t *testing.T) {
	sol, err := dhcpv6.NewSolicit(clientMAC4)
	if err != nil {
		t.Fatal(err)
	}
	again := *sol
	again.TransactionID[0]++
	from := &net.UDPAddr{IP: net.ParseIP("fe80::77:2"), Port: dhcpv6.DefaultClientPort}
	writes := make(chan datagram, 2)
	r := &udpRogue6{l: &link{}, writes: writes, dst: make(chan net.IP, 2)}
	r.l.Pair = &netns.Pair{ClientLinkLocal: netip.MustParseAddr("fe80::77:2")}
	for _, m := range []*dhcpv6.Message{sol, &again} {
		writes <- datagram{data: m.ToBytes(), addr: from}
		r.dst <- dhcpv6.AllDHCPRelayAgentsAndServers
	}
	a := &answerer6{rogue: r, quiesce: func() error { return nil }}
	wantViolation(t, a.run("Solicit", waitDrained(writes)), "invariant", "NSClient6.Solicit.Retransmission")

	adv, _ := dhcpv6.NewAdvertiseFromSolicit(sol, dhcpv6.WithServerID(serverDUID6))
	a.sent = [][]byte{adv.ToBytes()}
	if err := a.judgeSolicit(adv); err != nil {
		t.Fatalf("an ADVERTISE the rogue sent must pass: %v", err)
	}
	a.sent = nil
	wantViolation(t, a.judgeSolicit(adv), "invariant", "NSClient6.Solicit")
	reply := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeReply, TransactionID: sol.TransactionID}
	a.sent, a.xid = [][]byte{reply.ToBytes()}, reply.TransactionID
	a.xid[0]++
	wantViolation(t, a.judgeRequest(reply), "invariant", "NSClient6.Request")
}
