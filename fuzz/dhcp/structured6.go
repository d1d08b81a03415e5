package dhcpfuzz

import (
	"net"
	"time"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/iana"
	"github.com/insomniacslk/dhcp/rfc1035label"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// builder6 draws DHCPv6 modifiers and options from a go-fuzz-headers
// consumer.
type builder6 struct{ c *fuzz.ConsumeFuzzer }

// V6Structured builds a DHCPv6 message from data through the library's
// modifiers and option types (every option family the parser decodes),
// wraps it in up to three relay levels with EncapsulateRelay and relay
// options, serialises it and requires the parsed bytes to equal the built
// message option by option, at every relay level (roundtrip, equalV6).
//
// What the builder does not generate, and why (each would fail every run
// at the same known place): message types RELAY-FORW/RELAY-REPL on a
// *Message (they re-parse as a RelayMessage); IA prefixes of length 0
// (lossyPrefixV6); names that encodableLabels rejects; OptionGeneric with a
// code the parser decodes as a typed option (the data would have to be
// valid for that type); an opaque DUID of a known DUID type; a VendorClass without data (rejected by the
// parser, a documented RFC 8415 requirement).
func V6Structured(data []byte) error {
	b := builder6{fuzz.NewConsumer(data)}
	t, err := b.c.GetByte()
	if err != nil {
		return nil
	}
	if t == byte(dhcpv6.MessageTypeRelayForward) || t == byte(dhcpv6.MessageTypeRelayReply) {
		t = byte(dhcpv6.MessageTypeSolicit)
	}
	xid, err := b.c.GetNBytes(3)
	if err != nil {
		return nil
	}
	m := &dhcpv6.Message{MessageType: dhcpv6.MessageType(t), TransactionID: dhcpv6.TransactionID(xid)}
	n, err := b.c.GetByte()
	if err != nil {
		return nil
	}
	for i := 0; i < int(n)%maxStructuredOptions; i++ {
		mod, err := b.modifier()
		if err != nil {
			break
		}
		if mod != nil {
			mod(m)
		}
	}
	var d dhcpv6.DHCPv6 = m
	levels, _ := b.c.GetByte()
	for i := 0; i < int(levels)%4; i++ {
		r, err := b.relay(d)
		if err != nil {
			break
		}
		d = r
	}
	d2, err := dhcpv6.FromBytes(d.ToBytes())
	if err != nil {
		return harness.Violated("roundtrip", "FromBytes", "built message does not parse: %v\n%s", err, d.Summary())
	}
	return equalV6("", d, d2)
}

func (b builder6) ip6() (net.IP, error) {
	p, err := b.c.GetNBytes(16)
	return net.IP(p), err
}

func (b builder6) ips6() ([]net.IP, error) {
	n, err := b.c.GetByte()
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, 1+int(n)%3)
	for i := range out {
		if out[i], err = b.ip6(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b builder6) secs() (time.Duration, error) {
	s, err := b.c.GetUint32()
	return time.Duration(s) * time.Second, err
}

func (b builder6) duid() (dhcpv6.DUID, error) {
	kind, err := b.c.GetByte()
	if err != nil {
		return nil, err
	}
	ht, err := b.c.GetUint16()
	if err != nil {
		return nil, err
	}
	data, err := b.c.GetBytes()
	if err != nil {
		return nil, err
	}
	switch kind % 5 {
	case 0:
		return &dhcpv6.DUIDLLT{HWType: iana.HWType(ht), Time: uint32(ht) * 7919, LinkLayerAddr: data}, nil
	case 1:
		return &dhcpv6.DUIDLL{HWType: iana.HWType(ht), LinkLayerAddr: data}, nil
	case 2:
		return &dhcpv6.DUIDEN{EnterpriseNumber: uint32(ht), EnterpriseIdentifier: data}, nil
	case 3:
		var u [16]byte
		copy(u[:], data)
		return &dhcpv6.DUIDUUID{UUID: u}, nil
	}
	// An opaque DUID of type 1-4 would re-parse as that type.
	return &dhcpv6.DUIDOpaque{Type: dhcpv6.DUIDType(5 + int(ht)%(65536-5)), Data: data}, nil
}

func (b builder6) addrs() ([]dhcpv6.OptIAAddress, error) {
	n, err := b.c.GetByte()
	if err != nil {
		return nil, err
	}
	out := make([]dhcpv6.OptIAAddress, int(n)%3)
	for i := range out {
		ip, e1 := b.ip6()
		p, e2 := b.secs()
		v, e3 := b.secs()
		if err := errorsJoin(errorsJoin(e1, e2), e3); err != nil {
			return nil, err
		}
		out[i] = dhcpv6.OptIAAddress{IPv6Addr: ip, PreferredLifetime: p, ValidLifetime: v}
	}
	return out, nil
}

func (b builder6) names() ([]string, bool, error) {
	arr, err := b.c.GetStringArray()
	if err != nil {
		return nil, false, err
	}
	names := arr.Interface().([]string)
	return names, encodableLabels(names), nil
}

// modifier draws one modifier; nil means "nothing to add" for this draw.
func (b builder6) modifier() (dhcpv6.Modifier, error) {
	kind, err := b.c.GetByte()
	if err != nil {
		return nil, err
	}
	switch kind % 22 {
	case 0, 1:
		id, err := b.duid()
		if err != nil {
			return nil, err
		}
		if kind%22 == 0 {
			return dhcpv6.WithClientID(id), nil
		}
		return dhcpv6.WithServerID(id), nil
	case 2:
		a, err := b.addrs()
		return dhcpv6.WithIANA(a...), err
	case 3:
		iaid, e1 := b.c.GetNBytes(4)
		a, e2 := b.addrs()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		return dhcpv6.WithIATA([4]byte(iaid), a...), nil
	case 4:
		iaid, e1 := b.c.GetNBytes(4)
		n, e2 := b.c.GetByte()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		var prefixes []*dhcpv6.OptIAPrefix
		for i := 0; i < int(n)%3; i++ {
			bits, e1 := b.c.GetByte()
			ip, e2 := b.ip6()
			p, e3 := b.secs()
			if err := errorsJoin(errorsJoin(e1, e2), e3); err != nil {
				return nil, err
			}
			mask := net.CIDRMask(1+int(bits)%128, 128)
			prefixes = append(prefixes, &dhcpv6.OptIAPrefix{PreferredLifetime: p, ValidLifetime: p, Prefix: &net.IPNet{IP: ip, Mask: mask}})
		}
		return dhcpv6.WithIAPD([4]byte(iaid), prefixes...), nil
	case 5:
		ips, err := b.ips6()
		return dhcpv6.WithDNS(ips...), err
	case 6:
		names, ok, err := b.names()
		if err != nil || !ok {
			return nil, err
		}
		return dhcpv6.WithDomainSearchList(names...), nil
	case 7:
		flags, e1 := b.c.GetByte()
		name, e2 := b.c.GetString()
		if err := errorsJoin(e1, e2); err != nil || !encodableLabels([]string{name}) {
			return nil, err
		}
		return dhcpv6.WithOption(&dhcpv6.OptFQDN{Flags: flags, DomainName: &rfc1035label.Labels{Labels: []string{name}}}), nil
	case 8:
		uc, err := b.c.GetBytes()
		return dhcpv6.WithUserClass(uc), err
	case 9:
		a, err := b.c.GetUint16()
		return dhcpv6.WithArchType(iana.Arch(a)), err
	case 10:
		raw, err := b.c.GetBytes()
		var codes []dhcpv6.OptionCode
		for i := 0; i+1 < len(raw); i += 2 {
			codes = append(codes, dhcpv6.OptionCode(uint16(raw[i])<<8|uint16(raw[i+1])))
		}
		return dhcpv6.WithRequestedOptions(codes...), err
	case 11:
		p, err := b.c.GetByte()
		return dhcpv6.WithPreference(p), err
	case 12:
		d, err := b.secs()
		return dhcpv6.WithInformationRefreshTime(d), err
	case 13:
		cs, err := b.c.GetUint16()
		return dhcpv6.WithOption(dhcpv6.OptElapsedTime(time.Duration(cs) * 10 * time.Millisecond)), err
	case 14:
		u, err := b.c.GetString()
		return dhcpv6.WithOption(dhcpv6.OptBootFileURL(u)), err
	case 15:
		arr, err := b.c.GetStringArray()
		if err != nil {
			return nil, err
		}
		return dhcpv6.WithOption(dhcpv6.OptBootFileParam(arr.Interface().([]string)...)), nil
	case 16:
		ent, e1 := b.c.GetUint32()
		code, e2 := b.c.GetUint16()
		val, e3 := b.c.GetBytes()
		if err := errorsJoin(errorsJoin(e1, e2), e3); err != nil {
			return nil, err
		}
		return dhcpv6.WithOption(&dhcpv6.OptVendorOpts{EnterpriseNumber: ent,
			VendorOpts: dhcpv6.Options{&dhcpv6.OptionGeneric{OptionCode: dhcpv6.OptionCode(code), OptionData: val}}}), nil
	case 17:
		ent, e1 := b.c.GetUint32()
		val, e2 := b.c.GetBytes()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		return dhcpv6.WithOption(&dhcpv6.OptVendorClass{EnterpriseNumber: ent, Data: [][]byte{val}}), nil
	case 18:
		code, e1 := b.c.GetUint16()
		msg, e2 := b.c.GetString()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		return dhcpv6.WithOption(&dhcpv6.OptStatusCode{StatusCode: iana.StatusCode(code), StatusMessage: msg}), nil
	case 19:
		ips, err := b.ips6()
		if err != nil {
			return nil, err
		}
		if ips[0][0]%2 == 0 {
			return dhcpv6.WithOption(dhcpv6.OptSNTP(ips...)), nil
		}
		return dhcpv6.WithDHCP4oDHCP6Server(ips...), nil
	case 20:
		return dhcpv6.WithRapidCommit, nil
	}
	code, e1 := b.c.GetUint16()
	val, e2 := b.c.GetBytes()
	if err := errorsJoin(e1, e2); err != nil {
		return nil, err
	}
	// Codes above OPTION_RELAY_PORT (135) are not decoded by ParseOption.
	c := dhcpv6.OptionCode(136 + int(code)%(65536-136))
	return dhcpv6.WithOption(&dhcpv6.OptionGeneric{OptionCode: c, OptionData: val}), nil
}

// relay wraps d in one relay level carrying drawn relay options.
func (b builder6) relay(d dhcpv6.DHCPv6) (dhcpv6.DHCPv6, error) {
	kind, e1 := b.c.GetByte()
	link, e2 := b.ip6()
	peer, e3 := b.ip6()
	if err := errorsJoin(errorsJoin(e1, e2), e3); err != nil {
		return nil, err
	}
	t := dhcpv6.MessageTypeRelayForward
	if kind&1 != 0 {
		t = dhcpv6.MessageTypeRelayReply
	}
	r, err := dhcpv6.EncapsulateRelay(d, t, link, peer)
	if err != nil {
		return nil, err
	}
	if kind&2 != 0 {
		id, err := b.c.GetBytes()
		if err != nil {
			return nil, err
		}
		r.AddOption(dhcpv6.OptInterfaceID(id))
	}
	if kind&4 != 0 {
		ent, e1 := b.c.GetUint32()
		id, e2 := b.c.GetBytes()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		r.AddOption(&dhcpv6.OptRemoteID{EnterpriseNumber: ent, RemoteID: id})
	}
	if kind&8 != 0 {
		ht, e1 := b.c.GetUint16()
		lla, e2 := b.c.GetBytes()
		if err := errorsJoin(e1, e2); err != nil {
			return nil, err
		}
		r.AddOption(dhcpv6.OptClientLinkLayerAddress(iana.HWType(ht), lla))
	}
	if kind&16 != 0 {
		port, err := b.c.GetUint16()
		if err != nil {
			return nil, err
		}
		r.AddOption(dhcpv6.OptRelayPort(port))
	}
	return r, nil
}
