package dhcpfuzz

import (
	"net"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/iana"
)

// The DHCPv6 address plan: a small IA_NA pool and /56 delegated prefixes.
var (
	serverDUID6 = &dhcpv6.DUIDLL{HWType: iana.HWTypeEthernet, LinkLayerAddr: net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}}
	poolBase6   = net.ParseIP("2001:db8::100")
	pdBase6     = net.ParseIP("2001:db8:ff00::")
	poolSize6   = 8
	dns6        = net.ParseIP("2001:db8::53")
)

// pool6 is a minimal stateful DHCPv6 server in the style of CoreDHCP's
// handlers: it decapsulates relays, answers SOLICIT with ADVERTISE (or REPLY
// under rapid commit), REQUEST/RENEW/REBIND/CONFIRM/RELEASE/DECLINE/
// INFORMATION-REQUEST with REPLY, assigns an address per IA_NA and a prefix
// per IA_PD, and wraps the answer in RELAY-REPL for each relay level.
type pool6 struct {
	mu    sync.Mutex
	owner []string // owner[i] is the DUID holding address and prefix i
}

func newPool6() *pool6 {
	p := &pool6{}
	p.reset()
	return p
}

func (p *pool6) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.owner = make([]string, poolSize6)
}

func addr6(i int) net.IP {
	ip := append(net.IP(nil), poolBase6...)
	ip[15] += byte(i)
	return ip
}

func prefix6(i int) *net.IPNet {
	ip := append(net.IP(nil), pdBase6...)
	ip[6] = byte(i)
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(56, 128)}
}

// handle is the server6.Handler body.
func (p *pool6) handle(conn net.PacketConn, peer net.Addr, d dhcpv6.DHCPv6) {
	if reply := p.answer(d); reply != nil {
		_, _ = conn.WriteTo(reply.ToBytes(), peer)
	}
}

// answer returns the reply to d, relay-wrapped like d, or nil.
func (p *pool6) answer(d dhcpv6.DHCPv6) dhcpv6.DHCPv6 {
	msg, err := d.GetInnerMessage()
	if err != nil {
		return nil
	}
	reply := p.answerMessage(msg)
	if reply == nil {
		return nil
	}
	if relay, ok := d.(*dhcpv6.RelayMessage); ok {
		wrapped, err := dhcpv6.NewRelayReplFromRelayForw(relay, reply)
		if err != nil {
			return nil
		}
		return wrapped
	}
	return reply
}

func (p *pool6) answerMessage(msg *dhcpv6.Message) *dhcpv6.Message {
	cid := msg.Options.ClientID()
	if cid == nil {
		return nil // RFC 8415 16: discard messages without a client identifier
	}
	if sid := msg.Options.ServerID(); sid != nil && !sid.Equal(serverDUID6) {
		return nil // addressed to another server
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := string(cid.ToBytes())
	var (
		reply *dhcpv6.Message
		err   error
	)
	mods := []dhcpv6.Modifier{dhcpv6.WithServerID(serverDUID6)}
	switch msg.Type() {
	case dhcpv6.MessageTypeSolicit:
		if msg.GetOneOption(dhcpv6.OptionRapidCommit) != nil {
			reply, err = dhcpv6.NewReplyFromMessage(msg, mods...)
		} else {
			reply, err = dhcpv6.NewAdvertiseFromSolicit(msg, mods...)
		}
		if err == nil {
			p.assign(msg, reply, key)
		}
	case dhcpv6.MessageTypeRequest, dhcpv6.MessageTypeRenew, dhcpv6.MessageTypeRebind:
		if reply, err = dhcpv6.NewReplyFromMessage(msg, mods...); err == nil {
			p.assign(msg, reply, key)
		}
	case dhcpv6.MessageTypeRelease, dhcpv6.MessageTypeDecline:
		for i, o := range p.owner {
			if o == key {
				p.owner[i] = ""
			}
		}
		reply, err = dhcpv6.NewReplyFromMessage(msg, append(mods,
			dhcpv6.WithOption(&dhcpv6.OptStatusCode{StatusCode: iana.StatusSuccess, StatusMessage: "released"}))...)
	case dhcpv6.MessageTypeConfirm, dhcpv6.MessageTypeInformationRequest:
		reply, err = dhcpv6.NewReplyFromMessage(msg, mods...)
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	if msg.IsOptionRequested(dhcpv6.OptionDNSRecursiveNameServer) {
		dhcpv6.WithDNS(dns6)(reply)
	}
	if msg.IsOptionRequested(dhcpv6.OptionDomainSearchList) {
		dhcpv6.WithDomainSearchList("example.net")(reply)
	}
	if msg.IsNetboot() {
		reply.AddOption(dhcpv6.OptBootFileURL("http://[2001:db8::1]/ipxe.efi"))
	}
	return reply
}

// assign gives the client an address for each IA_NA and a prefix for each
// IA_PD it asked for, or a NoAddrsAvail/NoPrefixAvail status.
func (p *pool6) assign(msg, reply *dhcpv6.Message, key string) {
	i := -1
	for j, o := range p.owner {
		if o == key {
			i = j
			break
		}
	}
	if i < 0 {
		for j, o := range p.owner {
			if o == "" {
				p.owner[j], i = key, j
				break
			}
		}
	}
	for _, ia := range msg.Options.IANA() {
		out := &dhcpv6.OptIANA{IaId: ia.IaId, T1: 30 * time.Minute, T2: 48 * time.Minute}
		if i < 0 {
			out.Options.Add(&dhcpv6.OptStatusCode{StatusCode: iana.StatusNoAddrsAvail})
		} else {
			out.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: addr6(i), PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour})
		}
		reply.AddOption(out)
	}
	for _, pd := range msg.Options.IAPD() {
		out := &dhcpv6.OptIAPD{IaId: pd.IaId, T1: 30 * time.Minute, T2: 48 * time.Minute}
		if i < 0 {
			out.Options.Add(&dhcpv6.OptStatusCode{StatusCode: iana.StatusNoPrefixAvail})
		} else {
			out.Options.Add(&dhcpv6.OptIAPrefix{PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour, Prefix: prefix6(i)})
		}
		reply.AddOption(out)
	}
}
