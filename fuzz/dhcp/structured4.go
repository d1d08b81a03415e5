// structured4.go builds every DHCPv4 option insomniacslk models from go-
// fuzz-headers and checks each accessor; it is long because the option list
// is.

package dhcpfuzz

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"time"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// maxStructuredOptions bounds the options one structured input adds.
const maxStructuredOptions = 24

// builder4 turns go-fuzz-headers bytes into library modifiers and records,
// per option code, what the typed accessor must return after a round trip.
type builder4 struct {
	c      *fuzz.ConsumeFuzzer
	mods   []dhcpv4.Modifier
	expect map[uint8]func(*dhcpv4.DHCPv4) error
}

// V4Structured builds a DHCPv4 message from data through the library's own
// modifiers (header fields and up to 24 options drawn from every typed
// option constructor), serialises it, parses the bytes and requires:
//   - roundtrip: the parsed message equals the built one in normal form
//     (normalBuiltV4);
//   - roundtrip: each typed accessor returns the value its constructor was
//     given.
func V4Structured(data []byte) error {
	b := &builder4{c: fuzz.NewConsumer(data), expect: map[uint8]func(*dhcpv4.DHCPv4) error{}}
	if err := b.header(); err != nil {
		return nil
	}
	n, err := b.c.GetByte()
	if err != nil {
		return nil
	}
	for i := 0; i < int(n)%maxStructuredOptions; i++ {
		if err := b.option(); err != nil {
			break
		}
	}
	var xid dhcpv4.TransactionID
	m, err := dhcpv4.New(append([]dhcpv4.Modifier{dhcpv4.WithTransactionID(xid)}, b.mods...)...)
	if err != nil {
		return nil
	}
	m2, err := dhcpv4.FromBytes(m.ToBytes())
	if err != nil {
		return harness.Violated("roundtrip", "FromBytes", "built message does not parse: %v\n%s", err, m.Summary())
	}
	if err := equalV4(normalBuiltV4(m), normalV4(m2)); err != nil {
		return err
	}
	for _, check := range b.expect {
		if err := check(m2); err != nil {
			return err
		}
	}
	return nil
}

// normalBuiltV4 is normalV4 for a message built in memory, where fields can
// hold what the wire cannot. Tolerated, and why:
//   - ClientHWAddr longer than 16 bytes: chaddr is 16 bytes; ToBytes writes
//     the first 16 and FromBytes clamps hlen to 16.
//   - ServerHostName/BootFileName with a NUL byte: the wire field is
//     NUL-terminated, so the name ends at the first NUL.
func normalBuiltV4(m *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	n := *m
	if len(n.ClientHWAddr) > 16 {
		n.ClientHWAddr = n.ClientHWAddr[:16]
	}
	n.ServerHostName, _, _ = strings.Cut(n.ServerHostName, "\x00")
	n.BootFileName, _, _ = strings.Cut(n.BootFileName, "\x00")
	return normalV4(&n)
}

// ip4 draws an IPv4 address. Header addresses are always 4 bytes: a
// 16-byte non-IPv4 address makes ToBytes panic (writeIP slices a nil To4()
// result), a known library crash reported in
// crashers/fuzz-dhcp.FuzzV4Structured/d5af7810c604; generating it would stop every run
// at the same place.
func (b *builder4) ip4() (net.IP, error) {
	p, err := b.c.GetNBytes(4)
	return net.IP(p), err
}

func (b *builder4) ips() ([]net.IP, error) {
	n, err := b.c.GetByte()
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, 1+int(n)%4)
	for i := range out {
		if out[i], err = b.ip4(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *builder4) header() error {
	var err error
	get := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	get(func() error {
		op, e := b.c.GetByte()
		b.mods = append(b.mods, func(d *dhcpv4.DHCPv4) { d.OpCode = dhcpv4.OpcodeType(op) })
		return e
	})
	get(func() error {
		ht, e := b.c.GetUint16()
		b.mods = append(b.mods, dhcpv4.WithHWType(iana.HWType(ht&0xff)))
		return e
	})
	get(func() error {
		hw, e := b.c.GetBytes()
		if len(hw) > 64 {
			// hlen is one byte: ToBytes writes len%256, which no
			// normal form can undo. 64 is already four times chaddr.
			hw = hw[:64]
		}
		b.mods = append(b.mods, dhcpv4.WithHwAddr(net.HardwareAddr(hw)))
		return e
	})
	get(func() error {
		bc, e := b.c.GetBool()
		b.mods = append(b.mods, dhcpv4.WithBroadcast(bc))
		return e
	})
	for _, with := range []func(net.IP) dhcpv4.Modifier{dhcpv4.WithClientIP, dhcpv4.WithYourIP, dhcpv4.WithServerIP, dhcpv4.WithGatewayIP} {
		get(func() error {
			ip, e := b.ip4()
			b.mods = append(b.mods, with(ip))
			return e
		})
	}
	get(func() error {
		t, e := b.c.GetByte()
		b.mods = append(b.mods, dhcpv4.WithMessageType(dhcpv4.MessageType(t)))
		b.expectEq(dhcpv4.OptionDHCPMessageType, "MessageType", dhcpv4.MessageType(t), func(m *dhcpv4.DHCPv4) any { return m.MessageType() })
		return e
	})
	get(func() error {
		sname, e := b.c.GetString()
		file, e2 := b.c.GetString()
		b.mods = append(b.mods, func(d *dhcpv4.DHCPv4) { d.ServerHostName, d.BootFileName = sname, file })
		return errorsJoin(e, e2)
	})
	return err
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// expectEq records that after the round trip get(m) must print like want.
// Values are compared by their %v text, which is how these types (IPs,
// durations, lists) define equality for a reader.
func (b *builder4) expectEq(code dhcpv4.OptionCode, field string, want any, get func(*dhcpv4.DHCPv4) any) {
	w := fmt.Sprintf("%v", want)
	b.expect[code.Code()] = func(m *dhcpv4.DHCPv4) error {
		if g := fmt.Sprintf("%v", get(m)); g != w {
			return harness.Violated("roundtrip", "Structured."+field, "accessor returned %s, constructor was given %s", g, w)
		}
		return nil
	}
}

// option draws one option constructor and its arguments.
func (b *builder4) option() error {
	kind, err := b.c.GetByte()
	if err != nil {
		return err
	}
	add := func(o dhcpv4.Option) { b.mods = append(b.mods, dhcpv4.WithOption(o)) }
	switch kind % 20 {
	case 0, 1, 2, 3:
		ips, err := b.ips()
		if err != nil {
			return err
		}
		opt := []struct {
			ctor  func(...net.IP) dhcpv4.Option
			field string
			get   func(*dhcpv4.DHCPv4) []net.IP
		}{
			{dhcpv4.OptRouter, "Router", (*dhcpv4.DHCPv4).Router},
			{dhcpv4.OptDNS, "DNS", (*dhcpv4.DHCPv4).DNS},
			{dhcpv4.OptNTPServers, "NTPServers", (*dhcpv4.DHCPv4).NTPServers},
			{dhcpv4.OptNetBIOSNameServers, "NetBIOSNameServers", (*dhcpv4.DHCPv4).NetBIOSNameServers},
		}[kind%20]
		o := opt.ctor(ips...)
		add(o)
		b.expectEq(o.Code, opt.field, ips, func(m *dhcpv4.DHCPv4) any { return opt.get(m) })
	case 4, 5, 6:
		s, err := b.c.GetString()
		if err != nil {
			return err
		}
		opt := []struct {
			ctor  func(string) dhcpv4.Option
			field string
			get   func(*dhcpv4.DHCPv4) string
		}{
			{dhcpv4.OptDomainName, "DomainName", (*dhcpv4.DHCPv4).DomainName},
			{dhcpv4.OptClassIdentifier, "ClassIdentifier", (*dhcpv4.DHCPv4).ClassIdentifier},
			{dhcpv4.OptRootPath, "RootPath", (*dhcpv4.DHCPv4).RootPath},
		}[kind%20-4]
		o := opt.ctor(s)
		add(o)
		b.expectEq(o.Code, opt.field, s, func(m *dhcpv4.DHCPv4) any { return opt.get(m) })
	case 7:
		archs, err := b.c.GetBytes()
		if err != nil {
			return err
		}
		var as []iana.Arch
		for i := 0; i+1 < len(archs); i += 2 {
			as = append(as, iana.Arch(uint16(archs[i])<<8|uint16(archs[i+1])))
		}
		if len(as) == 0 {
			return nil
		}
		add(dhcpv4.OptClientArch(as...))
		b.expectEq(dhcpv4.OptionClientSystemArchitectureType, "ClientArch", as, func(m *dhcpv4.DHCPv4) any { return m.ClientArch() })
	case 8:
		n, err := b.c.GetByte()
		if err != nil {
			return err
		}
		var routes []*dhcpv4.Route
		for i := 0; i < 1+int(n)%4; i++ {
			bits, e1 := b.c.GetByte()
			dst, e2 := b.ip4()
			gw, e3 := b.ip4()
			if err := errorsJoin(errorsJoin(e1, e2), e3); err != nil {
				return err
			}
			mask := net.CIDRMask(int(bits)%33, 32)
			routes = append(routes, &dhcpv4.Route{Dest: &net.IPNet{IP: dst.Mask(mask), Mask: mask}, Router: gw})
		}
		add(dhcpv4.OptClasslessStaticRoute(routes...))
		b.expectEq(dhcpv4.OptionClasslessStaticRoute, "ClasslessStaticRoute", dhcpv4.Routes(routes).String(),
			func(m *dhcpv4.DHCPv4) any { return dhcpv4.Routes(m.ClasslessStaticRoute()).String() })
	case 9:
		codes, err := b.c.GetBytes()
		if err != nil {
			return err
		}
		var cl []dhcpv4.OptionCode
		for _, c := range codes {
			cl = append(cl, dhcpv4.GenericOptionCode(c))
		}
		add(dhcpv4.OptParameterRequestList(cl...))
		// Compared as codes: a GenericOptionCode and the named code the
		// parser returns print differently.
		b.expectEq(dhcpv4.OptionParameterRequestList, "ParameterRequestList", fmt.Sprintf("%x", codes),
			func(m *dhcpv4.DHCPv4) any { return fmt.Sprintf("%x", m.ParameterRequestList().ToBytes()) })
	case 10:
		n, err := b.c.GetByte()
		if err != nil {
			return err
		}
		var subs []dhcpv4.Option
		for i := 0; i < 1+int(n)%4; i++ {
			code, e1 := b.c.GetByte()
			val, e2 := b.c.GetBytes()
			if err := errorsJoin(e1, e2); err != nil {
				return err
			}
			subs = append(subs, dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(code), val))
		}
		o := dhcpv4.OptRelayAgentInfo(subs...)
		add(o)
		want := dhcpv4.RelayOptions{Options: dhcpv4.OptionsFromList(subs...)}
		b.expectEq(o.Code, "RelayAgentInfo", normalRelayOptions(want.Options), func(m *dhcpv4.DHCPv4) any {
			if r := m.RelayAgentInfo(); r != nil {
				return normalRelayOptions(r.Options)
			}
			return "" // an empty option 82 reads back as absent
		})
	case 11:
		ent, e1 := b.c.GetUint32()
		val, e2 := b.c.GetBytes()
		if err := errorsJoin(e1, e2); err != nil {
			return err
		}
		if len(val) > 255 {
			val = val[:255] // the length is one byte
		}
		id := dhcpv4.VIVCIdentifier{EntID: iana.EnterpriseID(ent), Data: val}
		add(dhcpv4.OptVIVC(id))
		b.expectEq(dhcpv4.OptionVendorIdentifyingVendorClass, "VIVC", fmt.Sprintf("%d:%x", ent, val), func(m *dhcpv4.DHCPv4) any {
			if v := m.VIVC(); len(v) == 1 {
				return fmt.Sprintf("%d:%x", v[0].EntID, v[0].Data)
			}
			return m.VIVC()
		})
	case 12:
		s, e1 := b.c.GetString()
		rfc, e2 := b.c.GetBool()
		if err := errorsJoin(e1, e2); err != nil {
			return err
		}
		b.mods = append(b.mods, dhcpv4.WithUserClass(s, rfc))
		delete(b.expect, dhcpv4.OptionUserClassInformation.Code())
	case 13:
		v, err := b.c.GetUint16()
		if err != nil {
			return err
		}
		add(dhcpv4.OptMaxMessageSize(v))
		b.expectEq(dhcpv4.OptionMaximumDHCPMessageSize, "MaxMessageSize", v, func(m *dhcpv4.DHCPv4) any { s, _ := m.MaxMessageSize(); return s })
	case 14:
		secs, err := b.c.GetUint32()
		if err != nil {
			return err
		}
		d := time.Duration(secs) * time.Second
		add(dhcpv4.OptIPAddressLeaseTime(d))
		b.expectEq(dhcpv4.OptionIPAddressLeaseTime, "IPAddressLeaseTime", d, func(m *dhcpv4.DHCPv4) any { return m.IPAddressLeaseTime(-1) })
	case 15:
		bits, err := b.c.GetByte()
		if err != nil {
			return err
		}
		mask := net.CIDRMask(int(bits)%33, 32)
		add(dhcpv4.OptSubnetMask(mask))
		b.expectEq(dhcpv4.OptionSubnetMask, "SubnetMask", mask, func(m *dhcpv4.DHCPv4) any { return m.SubnetMask() })
	case 16:
		arr, err := b.c.GetStringArray()
		if err != nil {
			return err
		}
		names := arr.Interface().([]string)
		b.mods = append(b.mods, dhcpv4.WithDomainSearchList(names...))
		if encodableLabels(names) && len(names) > 0 {
			b.expectEq(dhcpv4.OptionDNSDomainSearchList, "DomainSearch", names, func(m *dhcpv4.DHCPv4) any {
				if l := m.DomainSearch(); l != nil {
					return l.Labels
				}
				return nil
			})
		} else {
			delete(b.expect, dhcpv4.OptionDNSDomainSearchList.Code())
		}
	case 17:
		code, e1 := b.c.GetByte()
		val, e2 := b.c.GetBytes()
		if err := errorsJoin(e1, e2); err != nil {
			return err
		}
		b.mods = append(b.mods, dhcpv4.WithGeneric(dhcpv4.GenericOptionCode(code), val))
		delete(b.expect, code)
	case 18:
		ip, err := b.ip4()
		if err != nil {
			return err
		}
		o := []func(net.IP) dhcpv4.Option{dhcpv4.OptServerIdentifier, dhcpv4.OptRequestedIPAddress, dhcpv4.OptBroadcastAddress}[int(ip[0])%3]
		add(o(ip))
		delete(b.expect, o(ip).Code.Code())
	case 19:
		secs, err := b.c.GetUint32()
		if err != nil {
			return err
		}
		b.mods = append(b.mods, dhcpv4.WithIPv6OnlyPreferred(secs))
		b.expectEq(dhcpv4.OptionIPv6OnlyPreferred, "IPv6OnlyPreferred", time.Duration(secs)*time.Second,
			func(m *dhcpv4.DHCPv4) any { d, _ := m.IPv6OnlyPreferred(); return d })
	}
	return nil
}

// normalRelayOptions prints relay sub-options sorted by code, the order
// ToBytes writes them in, without sub-options 0 and 255, which the option
// parser reads as Pad and End (as in normalV4).
func normalRelayOptions(o dhcpv4.Options) string {
	var b bytes.Buffer
	for code := 1; code < 255; code++ {
		if v, ok := o[uint8(code)]; ok {
			fmt.Fprintf(&b, "%d=%x;", code, v)
		}
	}
	return b.String()
}

// encodableLabels is representableLabels for names given to an encoder.
// Tolerated, and why: rfc1035label writes a label's length as one byte
// without checking it, so a label longer than 191 bytes comes out with the
// pointer bits (0xc0) set or its length taken mod 256 and cannot be read
// back (a known library bug, crashers/fuzz-dhcp.FuzzV4Structured/989adefb9b78).
func encodableLabels(names []string) bool {
	if !representableLabels(names) {
		return false
	}
	if harness.Strict() {
		return true
	}
	for _, n := range names {
		for _, part := range strings.Split(n, ".") {
			if len(part) > 191 {
				return false
			}
		}
	}
	return true
}
