package dhcpfuzz

import (
	"bytes"
	"fmt"
	"net"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Exchange6 script steps, the DHCPv6 counterpart of Exchange4's. A script
// is a sequence of 3-byte steps [op][client][arg]; op is taken modulo
// ex6NumOps and client modulo exClients. For ExSolicit6, arg's bits select
// an IA_PD besides the IA_NA (1), rapid commit (2), and a relay chain of
// (arg>>2)%3 levels (RFC 8415 19) that every later message of the client
// goes through too.
const (
	ExSolicit6 = iota // SOLICIT (NewSolicit) with IA_NA, optionally IA_PD, rapid commit, relays
	ExRequest6        // REQUEST from the client's last ADVERTISE (NewRequestFromAdvertise)
	ExRenew6          // RENEW of the client's last REPLY's IAs, to its server
	ExRebind6         // REBIND of the same IAs, to any server
	ExRelease6        // RELEASE of the IAs
	ExDecline6        // DECLINE of the IAs
	ExConfirm6        // CONFIRM of the addresses
	ExInfo6           // INFORMATION-REQUEST
	ex6NumOps
)

// ex6Client is what one simulated DHCPv6 client remembers between steps.
type ex6Client struct {
	relays            int
	advertise, reply  *dhcpv6.Message
	freshAdv, freshRp bool // the server must still honour them
}

// daemon6x is a real server6.Server serving pool6 on an in-memory socket,
// which also records the message its handler received (Exchange6's round
// trip); built once per process.
type daemon6x struct {
	mu   sync.Mutex
	conn *packetConn
	pool *pool6
	done chan struct{}
	seen dhcpv6.DHCPv6
}

var theExchange6 = sync.OnceValue(func() *daemon6x {
	d := &daemon6x{
		conn: newPacketConn(&net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: dhcpv6.DefaultServerPort}),
		pool: newPool6(),
		done: make(chan struct{}, 1),
	}
	handler := func(conn net.PacketConn, peer net.Addr, m dhcpv6.DHCPv6) {
		defer func() { d.done <- struct{}{} }()
		d.seen = m
		d.pool.handle(conn, peer, m)
	}
	s, err := server6.NewServer("", nil, handler, server6.WithConn(d.conn), server6.WithLogger(dropLogger6{d.done}))
	if err != nil {
		panic(fmt.Sprintf("dhcpfuzz: server6.NewServer with a given conn cannot fail, got %v", err))
	}
	go func() { _ = s.Serve() }()
	return d
})

// Exchange6 runs a whole DHCPv6 conversation described by data between up
// to 16 clients, some behind relay chains, whose messages are built by the
// library's constructors from the server's previous answers, and the real
// server6 server (pool6 behind it, assigning addresses and delegating /56
// prefixes). At each step it checks:
//   - roundtrip: the message the server parsed equals the one the client
//     built, relay levels included;
//   - invariant: every reply passes checkReply6 (relay levels echoed,
//     transaction and client id, ADVERTISE only without rapid commit,
//     addresses and prefixes from the pool); a REQUEST for a fresh
//     ADVERTISE is answered with the advertised address and prefix, a
//     RENEW or REBIND of a fresh lease with the same ones; no address or
//     prefix is leased to two clients holding fresh leases.
func Exchange6(data []byte) error {
	_, err := runExchange6(data)
	return err
}

// runExchange6 runs the script and returns what the clients hold at the
// end.
func runExchange6(data []byte) (clients [exClients]ex6Client, err error) {
	d := theExchange6()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pool.reset()
	for step := 0; len(data) >= 3; step++ {
		op, c, arg := int(data[0])%ex6NumOps, int(data[1])%exClients, data[2]
		data = data[3:]
		if err := ex6Step(d, &clients, step, op, c, arg); err != nil {
			return clients, fmt.Errorf("step %d (op %d, client %d): %w", step, op, c, err)
		}
	}
	return clients, nil
}

// ex6Wire is how a client's message goes on the wire (a seam for the
// oracle tests).
var ex6Wire = dhcpv6.DHCPv6.ToBytes

// ex6Build returns the message client c sends for op, or nil when it has
// nothing to send.
func ex6Build(cl *ex6Client, step, op, c int, arg byte) (*dhcpv6.Message, error) {
	xid := dhcpv6.TransactionID{byte(step), byte(c), 0x6a}
	var m *dhcpv6.Message
	var err error
	switch op {
	case ExSolicit6:
		mods := []dhcpv6.Modifier{dhcpv6.WithRequestedOptions(dhcpv6.OptionDNSRecursiveNameServer)}
		if arg&1 != 0 {
			mods = append(mods, dhcpv6.WithIAPD([4]byte{0, 0, 0, byte(c)}))
		}
		if arg&2 != 0 {
			mods = append(mods, dhcpv6.WithRapidCommit)
		}
		cl.relays = int(arg>>2) % 3
		m, err = dhcpv6.NewSolicit(exMAC(c), mods...)
	case ExRequest6:
		if cl.advertise == nil {
			return nil, nil
		}
		m, err = dhcpv6.NewRequestFromAdvertise(cl.advertise)
	case ExInfo6:
		m, err = dhcpv6.NewMessage(dhcpv6.WithClientID(&dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: exMAC(c)}))
		if err == nil {
			m.MessageType = dhcpv6.MessageTypeInformationRequest
		}
	default:
		if cl.reply == nil {
			return nil, nil
		}
		m, err = ex6FromReply(cl.reply, op)
	}
	if err != nil || m == nil {
		return nil, err
	}
	m.TransactionID = xid
	return m, nil
}

// ex6FromReply builds a RENEW, REBIND, RELEASE, DECLINE or CONFIRM of the
// leases in reply (RFC 8415 18.2.4-18.2.8): the client's identifier, the
// server's except for REBIND and CONFIRM, and the IAs as granted.
func ex6FromReply(reply *dhcpv6.Message, op int) (*dhcpv6.Message, error) {
	mods := []dhcpv6.Modifier{dhcpv6.WithClientID(reply.Options.ClientID())}
	if op != ExRebind6 && op != ExConfirm6 && reply.Options.ServerID() != nil {
		mods = append(mods, dhcpv6.WithServerID(reply.Options.ServerID()))
	}
	m, err := dhcpv6.NewMessage(mods...)
	if err != nil || reply.Options.ClientID() == nil {
		return nil, err
	}
	m.MessageType = map[int]dhcpv6.MessageType{
		ExRenew6: dhcpv6.MessageTypeRenew, ExRebind6: dhcpv6.MessageTypeRebind, ExRelease6: dhcpv6.MessageTypeRelease,
		ExDecline6: dhcpv6.MessageTypeDecline, ExConfirm6: dhcpv6.MessageTypeConfirm,
	}[op]
	for _, ia := range reply.Options.IANA() {
		m.AddOption(ia)
	}
	if op != ExConfirm6 {
		for _, pd := range reply.Options.IAPD() {
			m.AddOption(pd)
		}
	}
	return m, nil
}

// ex6Relay wraps m in n RELAY-FORW levels, as relays between the client's
// link and the server would (RFC 8415 19.1).
func ex6Relay(m dhcpv6.DHCPv6, n, c int) (dhcpv6.DHCPv6, error) {
	for i := 0; i < n; i++ {
		link := net.ParseIP(fmt.Sprintf("2001:db8:%x::1", 0x100+i))
		peer := net.ParseIP(fmt.Sprintf("fe80::%x", 0x5a00+c))
		r, err := dhcpv6.EncapsulateRelay(m, dhcpv6.MessageTypeRelayForward, link, peer)
		if err != nil {
			return nil, err
		}
		r.AddOption(dhcpv6.OptInterfaceID([]byte(fmt.Sprintf("eth%d", i))))
		m = r
	}
	return m, nil
}

func ex6Step(d *daemon6x, clients *[exClients]ex6Client, step, op, c int, arg byte) error {
	cl := &clients[c]
	msg, err := ex6Build(cl, step, op, c, arg)
	if err != nil || msg == nil {
		return nil // the library refused to build it: nothing is sent
	}
	sent, err := ex6Relay(msg, cl.relays, c)
	if err != nil {
		return nil
	}
	wire := ex6Wire(sent)
	d.seen = nil
	d.conn.in <- datagram{data: wire, addr: &net.UDPAddr{IP: net.ParseIP(fmt.Sprintf("fe80::%x", 0x5a00+c)), Port: dhcpv6.DefaultClientPort}}
	<-d.done
	replies := d.conn.take()
	if d.seen == nil {
		return harness.Violated("roundtrip", "Exchange6.FromBytes", "server dropped a library-built %s", msg.Type())
	}
	if got, built := d.seen.ToBytes(), sent.ToBytes(); !bytes.Equal(got, built) {
		return harness.Violated("roundtrip", "Exchange6.Message", "server parsed %x, client built %x", got, built)
	}
	if op == ExRelease6 || op == ExDecline6 {
		cl.freshAdv, cl.freshRp = false, false
	}
	var rep *dhcpv6.Message
	for _, r := range replies {
		if err := checkReply6(sent, r); err != nil {
			return err
		}
		outer, _ := dhcpv6.FromBytes(r.data)
		if outer != nil {
			rep, _ = outer.GetInnerMessage()
		}
	}
	return ex6Advance(clients, cl, op, arg, msg, rep)
}

// leased6 is what a REPLY or ADVERTISE grants: the first IA_NA address and
// the first delegated prefix, either possibly nil.
func leased6(m *dhcpv6.Message) (net.IP, *net.IPNet) {
	var ip net.IP
	var pfx *net.IPNet
	if ia := m.Options.OneIANA(); ia != nil {
		if a := ia.Options.OneAddress(); a != nil {
			ip = a.IPv6Addr
		}
	}
	if pds := m.Options.IAPD(); len(pds) > 0 {
		if ps := pds[0].Options.Prefixes(); len(ps) > 0 {
			pfx = ps[0].Prefix
		}
	}
	return ip, pfx
}

func samePrefix(a, b *net.IPNet) bool {
	return (a == nil) == (b == nil) && (a == nil || a.String() == b.String())
}

// ex6Advance checks the answer against what the client may expect and
// updates its memory.
func ex6Advance(clients *[exClients]ex6Client, cl *ex6Client, op int, arg byte, msg, rep *dhcpv6.Message) error {
	var wantFrom *dhcpv6.Message
	switch {
	case op == ExRequest6 && cl.freshAdv:
		wantFrom = cl.advertise
	case (op == ExRenew6 || op == ExRebind6) && cl.freshRp:
		wantFrom = cl.reply
	}
	if wantFrom != nil {
		if rep == nil || rep.Type() != dhcpv6.MessageTypeReply {
			return harness.Violated("invariant", "Exchange6.Reply", "%s of a lease the server granted: no REPLY", msg.Type())
		}
		wip, wpfx := leased6(wantFrom)
		gip, gpfx := leased6(rep)
		if !gip.Equal(wip) || !samePrefix(gpfx, wpfx) {
			return harness.Violated("invariant", "Exchange6.Reply.Lease", "%s answered with %v %v, granted %v %v", msg.Type(), gip, gpfx, wip, wpfx)
		}
	}
	if rep == nil {
		return nil
	}
	switch {
	case rep.Type() == dhcpv6.MessageTypeAdvertise && op == ExSolicit6:
		ip, pfx := leased6(rep)
		cl.advertise, cl.freshAdv = rep, ip != nil || pfx != nil // NoAddrsAvail promises nothing
	case rep.Type() == dhcpv6.MessageTypeReply && (op == ExSolicit6 || op == ExRequest6 || op == ExRenew6 || op == ExRebind6):
		ip, pfx := leased6(rep)
		if ip == nil && pfx == nil {
			return nil // NoAddrsAvail
		}
		for i := range clients {
			o := &clients[i]
			if o == cl || !o.freshRp {
				continue
			}
			oip, opfx := leased6(o.reply)
			if (ip != nil && ip.Equal(oip)) || (pfx != nil && opfx != nil && samePrefix(pfx, opfx)) {
				return harness.Violated("invariant", "Exchange6.Reply.Lease", "%v %v leased while another client holds %v %v", ip, pfx, oip, opfx)
			}
		}
		cl.reply, cl.freshRp, cl.freshAdv = rep, true, false
	}
	return nil
}
