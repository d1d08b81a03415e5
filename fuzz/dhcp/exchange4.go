package dhcpfuzz

import (
	"fmt"
	"net"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Exchange4 script steps. A script is a sequence of 3-byte steps
// [op][client][arg]; op is taken modulo exNumOps and client modulo
// exClients. ExDiscoverWithOption is followed by [len][len bytes], the value
// of option arg added to the DISCOVER.
const (
	ExDiscover           = iota // DISCOVER; arg < poolSize4 hints that pool address
	ExSelect                    // REQUEST built from the client's last OFFER (NewRequestFromOffer)
	ExRenew                     // REQUEST built from the client's last ACK (NewRenewFromAck)
	ExRelease                   // RELEASE built from the last ACK (NewReleaseFromACK)
	ExDecline                   // DECLINE of the last ACK's address
	ExInform                    // INFORM from the last ACK's address
	ExReboot                    // INIT-REBOOT REQUEST for pool address arg
	ExDiscoverWithOption        // DISCOVER carrying option arg = [len][bytes]
	exNumOps
)

const exClients = 16

// exClient is what one simulated client remembers between steps.
type exClient struct {
	offer, ack *dhcpv4.DHCPv4
	// freshOffer/freshAck: the server must still honour them (no RELEASE,
	// DECLINE or identity-changing option since).
	freshOffer, freshAck bool
}

// Exchange4 runs a whole DHCPv4 conversation described by data between up to
// 16 clients, whose messages are built by the library's constructors from
// the server's previous answers, and the real server4 server (pool4 behind
// it). At each step it checks:
//   - roundtrip: the message the server parsed equals the one the client built;
//   - invariant: every reply passes checkReply4; a REQUEST for a fresh OFFER
//     and a RENEW of a fresh lease are ACKed with the same address; no
//     address is ACKed to two clients holding fresh leases.
func Exchange4(data []byte) error {
	d := theDaemon4()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pool.reset()
	var clients [exClients]exClient
	for step := 0; len(data) >= 3; step++ {
		op, c, arg := int(data[0])%exNumOps, int(data[1])%exClients, data[2]
		data = data[3:]
		var extra []byte
		if op == ExDiscoverWithOption && len(data) > 0 {
			n := min(int(data[0]), len(data)-1)
			extra, data = data[1:1+n], data[1+n:]
		}
		if err := exStep(d, &clients, step, op, c, arg, extra); err != nil {
			return fmt.Errorf("step %d (op %d, client %d): %w", step, op, c, err)
		}
	}
	return nil
}

func exMAC(c int) net.HardwareAddr { return net.HardwareAddr{0x02, 0, 0, 0, 0x5a, byte(c)} }

// exBuild returns the message client c sends for op, or nil when the client
// has nothing to send (no OFFER to select, no lease to renew).
func exBuild(cl *exClient, step, op, c int, arg byte, extra []byte) (*dhcpv4.DHCPv4, error) {
	xid := dhcpv4.WithTransactionID(dhcpv4.TransactionID{byte(step), byte(c), 0x5a, 0xa5})
	switch op {
	case ExDiscover:
		var mods []dhcpv4.Modifier
		if int(arg) < poolSize4 {
			mods = append(mods, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(addr4(int(arg)))))
		}
		return dhcpv4.NewDiscovery(exMAC(c), append(mods, xid)...)
	case ExDiscoverWithOption:
		code := dhcpv4.GenericOptionCode(arg)
		return dhcpv4.NewDiscovery(exMAC(c), xid, dhcpv4.WithGeneric(code, extra))
	case ExSelect:
		if cl.offer == nil {
			return nil, nil
		}
		return dhcpv4.NewRequestFromOffer(cl.offer, xid)
	case ExRenew, ExRelease, ExDecline, ExInform:
		if cl.ack == nil {
			return nil, nil
		}
		switch op {
		case ExRenew:
			return dhcpv4.NewRenewFromAck(cl.ack, xid)
		case ExRelease:
			return dhcpv4.NewReleaseFromACK(cl.ack, xid)
		case ExDecline:
			return dhcpv4.New(xid, dhcpv4.WithHwAddr(exMAC(c)), dhcpv4.WithMessageType(dhcpv4.MessageTypeDecline),
				dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(cl.ack.YourIPAddr)),
				dhcpv4.WithOptionCopied(cl.ack, dhcpv4.OptionServerIdentifier))
		default:
			return dhcpv4.NewInform(exMAC(c), cl.ack.YourIPAddr, xid)
		}
	case ExReboot:
		return dhcpv4.New(xid, dhcpv4.WithHwAddr(exMAC(c)), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(addr4(int(arg)%poolSize4))))
	}
	return nil, nil
}

func exStep(d *daemon4, clients *[exClients]exClient, step, op, c int, arg byte, extra []byte) error {
	cl := &clients[c]
	msg, err := exBuild(cl, step, op, c, arg, extra)
	if err != nil || msg == nil {
		return nil // the library refused to build it: nothing is sent
	}
	peer := &net.UDPAddr{IP: net.IPv4zero, Port: dhcpv4.ClientPort}
	if !msg.ClientIPAddr.IsUnspecified() {
		peer.IP = msg.ClientIPAddr
	}
	d.seen = nil
	replies := d.send(msg.ToBytes(), peer)
	if d.seen == nil {
		return harness.Violated("roundtrip", "Exchange.FromBytes", "server dropped a library-built %s", msg.MessageType())
	}
	if err := equalV4(normalV4(msg), normalV4(d.seen)); err != nil {
		return err
	}
	// What the client's action invalidates, before looking at the answer.
	switch op {
	case ExRelease, ExDecline:
		cl.freshOffer, cl.freshAck = false, false
	case ExDiscoverWithOption:
		switch arg {
		case dhcpv4.OptionClientIdentifier.Code(), dhcpv4.OptionDHCPMessageType.Code(),
			dhcpv4.OptionServerIdentifier.Code(), dhcpv4.OptionRequestedIPAddress.Code():
			cl.freshOffer, cl.freshAck = false, false // the server sees another identity or message
		}
	}
	var rep *dhcpv4.DHCPv4
	for _, r := range replies {
		if err := checkReply4(msg, peer, r); err != nil {
			return err
		}
		rep, _ = dhcpv4.FromBytes(r.data)
	}
	return exAdvance(clients, cl, op, msg, rep)
}

// exAdvance checks the answer against what the client may expect and
// updates the client's memory.
func exAdvance(clients *[exClients]exClient, cl *exClient, op int, msg, rep *dhcpv4.DHCPv4) error {
	expectAck := (op == ExSelect && cl.freshOffer) || (op == ExRenew && cl.freshAck)
	var want net.IP
	if op == ExSelect && cl.offer != nil {
		want = cl.offer.YourIPAddr
	} else if op == ExRenew && cl.ack != nil {
		want = cl.ack.YourIPAddr
	}
	if expectAck {
		if rep == nil || rep.MessageType() != dhcpv4.MessageTypeAck {
			got := "no reply"
			if rep != nil {
				got = rep.MessageType().String()
			}
			return harness.Violated("invariant", "Exchange.Ack", "%s for a lease the server granted (%v): got %s", msg.MessageType(), want, got)
		}
		if !rep.YourIPAddr.Equal(want) {
			return harness.Violated("invariant", "Exchange.Ack.YourIPAddr", "ACKed %v, granted %v", rep.YourIPAddr, want)
		}
	}
	if rep == nil {
		return nil
	}
	switch rep.MessageType() {
	case dhcpv4.MessageTypeOffer:
		if op == ExDiscover || op == ExDiscoverWithOption {
			cl.offer, cl.freshOffer = rep, op == ExDiscover
		}
	case dhcpv4.MessageTypeAck:
		if rep.YourIPAddr.IsUnspecified() {
			return nil // INFORM answer
		}
		for i := range clients {
			o := &clients[i]
			if o != cl && o.freshAck && o.ack.YourIPAddr.Equal(rep.YourIPAddr) {
				return harness.Violated("invariant", "Exchange.Ack.YourIPAddr", "%v ACKed to %v while leased to %v",
					rep.YourIPAddr, rep.ClientHWAddr, o.ack.ClientHWAddr)
			}
		}
		cl.ack, cl.freshAck, cl.freshOffer = rep, op == ExSelect || op == ExRenew || op == ExReboot, false
	case dhcpv4.MessageTypeNak:
		cl.freshAck, cl.freshOffer = false, false
	}
	return nil
}
