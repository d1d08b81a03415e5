package dhcpfuzz

import (
	"net"
	"strings"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// The address plan the fake servers hand out: a /24 with a small pool, so
// that a short exchange can exhaust it.
var (
	serverIP4  = net.IPv4(192, 0, 2, 1).To4()
	poolBase4  = net.IPv4(192, 0, 2, 100).To4()
	netmask4   = net.CIDRMask(24, 32)
	poolSize4  = 8
	leaseTime4 = uint32(3600)
)

// pool4 is a minimal DHCPv4 server state machine in the style of CoreDHCP's
// range plugin: a lease table keyed by client identity, OFFER from the pool,
// ACK/NAK on REQUEST, RELEASE, DECLINE and INFORM. It answers through the
// conn it is given, as a server4.Handler does, and consults the request the
// way a server must (parameter request list, requested IP, server
// identifier, client identifier, relay agent information).
type pool4 struct {
	mu     sync.Mutex
	owner  []string // owner[i] is the client holding poolBase4+i, "" if free
	bound  []bool   // bound[i] is true once the client's REQUEST was ACKed
	banned []bool   // declined addresses, never offered again
}

func newPool4() *pool4 {
	p := &pool4{}
	p.reset()
	return p
}

// reset forgets every lease: per-input state, cheap to rebuild.
func (p *pool4) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.owner = make([]string, poolSize4)
	p.bound = make([]bool, poolSize4)
	p.banned = make([]bool, poolSize4)
}

// handle is the server4.Handler body.
func (p *pool4) handle(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
	if reply := p.answer(req); reply != nil {
		_, _ = conn.WriteTo(reply.ToBytes(), peer)
	}
}

// clientKey identifies the client per RFC 2131 4.2: the client identifier
// option if present, the hardware address otherwise.
func clientKey(m *dhcpv4.DHCPv4) string {
	if id := m.Options.Get(dhcpv4.OptionClientIdentifier); len(id) > 0 {
		return "id:" + string(id)
	}
	return "hw:" + string(m.ClientHWAddr)
}

// index returns ip's position in the pool, or -1.
func index4(ip net.IP) int {
	ip = ip.To4()
	if ip == nil || !ip[:3].Equal(poolBase4[:3]) {
		return -1
	}
	i := int(ip[3]) - int(poolBase4[3])
	if i < 0 || i >= poolSize4 {
		return -1
	}
	return i
}

func addr4(i int) net.IP {
	ip := append(net.IP(nil), poolBase4...)
	ip[3] += byte(i)
	return ip
}

// answer computes the reply to req, or nil when a server stays silent.
func (p *pool4) answer(req *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	if req.OpCode != dhcpv4.OpcodeBootRequest {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := clientKey(req)
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		i := p.allocate(key, req.RequestedIPAddress())
		if i < 0 {
			return nil // pool exhausted: RFC 2131 lets the server stay silent
		}
		return p.reply(req, dhcpv4.MessageTypeOffer, addr4(i))
	case dhcpv4.MessageTypeRequest:
		if sid := req.ServerIdentifier(); sid != nil && !sid.Equal(serverIP4) {
			p.forgetOffer(key) // the client chose another server
			return nil
		}
		want := req.RequestedIPAddress()
		if want == nil {
			want = req.ClientIPAddr // RENEWING/REBINDING: ciaddr carries it
		}
		i := index4(want)
		if i < 0 || p.owner[i] != key {
			return p.reply(req, dhcpv4.MessageTypeNak, nil)
		}
		p.bound[i] = true
		return p.reply(req, dhcpv4.MessageTypeAck, addr4(i))
	case dhcpv4.MessageTypeDecline:
		if i := index4(req.RequestedIPAddress()); i >= 0 && p.owner[i] == key {
			p.owner[i], p.bound[i], p.banned[i] = "", false, true
		}
		return nil
	case dhcpv4.MessageTypeRelease:
		if i := index4(req.ClientIPAddr); i >= 0 && p.owner[i] == key {
			p.owner[i], p.bound[i] = "", false
		}
		return nil
	case dhcpv4.MessageTypeInform:
		return p.reply(req, dhcpv4.MessageTypeAck, nil)
	}
	return nil
}

// allocate returns the client's current address, else the requested one if
// free, else the first free one; -1 when none is left.
func (p *pool4) allocate(key string, hint net.IP) int {
	for i, o := range p.owner {
		if o == key {
			return i
		}
	}
	if i := index4(hint); i >= 0 && p.owner[i] == "" && !p.banned[i] {
		p.owner[i] = key
		return i
	}
	for i, o := range p.owner {
		if o == "" && !p.banned[i] {
			p.owner[i] = key
			return i
		}
	}
	return -1
}

func (p *pool4) forgetOffer(key string) {
	for i, o := range p.owner {
		if o == key && !p.bound[i] {
			p.owner[i] = ""
		}
	}
}

// reply builds an OFFER, ACK or NAK the way a server does, honouring the
// parameter request list and netboot requests.
func (p *pool4) reply(req *dhcpv4.DHCPv4, t dhcpv4.MessageType, yiaddr net.IP) *dhcpv4.DHCPv4 {
	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(t),
		dhcpv4.WithServerIP(serverIP4),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP4)),
	}
	if t == dhcpv4.MessageTypeNak {
		mods = append(mods, dhcpv4.WithOption(dhcpv4.OptMessage("requested address not available")))
		r, err := dhcpv4.NewReplyFromRequest(req, mods...)
		if err != nil {
			return nil
		}
		return r
	}
	if yiaddr != nil {
		mods = append(mods, dhcpv4.WithYourIP(yiaddr), dhcpv4.WithLeaseTime(leaseTime4),
			dhcpv4.WithOption(dhcpv4.OptRenewTimeValue(time.Duration(leaseTime4/2)*time.Second)))
	}
	optional := []struct {
		code dhcpv4.OptionCode
		mod  dhcpv4.Modifier
	}{
		{dhcpv4.OptionSubnetMask, dhcpv4.WithNetmask(netmask4)},
		{dhcpv4.OptionRouter, dhcpv4.WithRouter(serverIP4)},
		{dhcpv4.OptionDomainNameServer, dhcpv4.WithDNS(serverIP4)},
		{dhcpv4.OptionDomainName, dhcpv4.WithOption(dhcpv4.OptDomainName("example.net"))},
		{dhcpv4.OptionDNSDomainSearchList, dhcpv4.WithDomainSearchList("example.net", "lab.example.net")},
		{dhcpv4.OptionNTPServers, dhcpv4.WithOption(dhcpv4.OptNTPServers(serverIP4))},
		{dhcpv4.OptionClasslessStaticRoute, dhcpv4.WithOption(dhcpv4.OptClasslessStaticRoute(
			&dhcpv4.Route{Dest: &net.IPNet{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)}, Router: serverIP4}))},
	}
	for _, o := range optional {
		if req.IsOptionRequested(o.code) {
			mods = append(mods, o.mod)
		}
	}
	if strings.HasPrefix(req.ClassIdentifier(), "PXEClient") || req.IsOptionRequested(dhcpv4.OptionBootfileName) {
		boot := "pxelinux.0"
		for _, a := range req.ClientArch() {
			if a != 0 {
				boot = "ipxe.efi"
			}
		}
		mods = append(mods, dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient")),
			dhcpv4.WithOption(dhcpv4.OptTFTPServerName(serverIP4.String())),
			dhcpv4.WithOption(dhcpv4.OptBootFileName(boot)))
	}
	if d, ok := req.IPv6OnlyPreferred(); ok && d >= 0 {
		mods = append(mods, dhcpv4.WithIPv6OnlyPreferred(1800))
	}
	r, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		return nil
	}
	if size, err := req.MaxMessageSize(); err == nil && int(size) < len(r.ToBytes())+28 {
		// RFC 2132 9.10: never exceed what the client can take; drop the
		// optional options rather than the lease.
		for _, o := range optional {
			r.Options.Del(o.code)
		}
	}
	return r
}
