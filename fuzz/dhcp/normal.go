package dhcpfuzz

import (
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"
)

// normalV4 returns a copy of m in the normal form the round-trip oracle
// compares. The tolerated differences, and why:
//
//   - ServerHostName and BootFileName: FromBytes accepts a full 64-byte sname
//     and 128-byte file field without a NUL, ToBytes keeps the last byte of
//     each for the terminator, so both are cut to 63 and 127 bytes.
//   - Options 0 (Pad) and 255 (End): a message built in memory may hold
//     them (WithGeneric accepts any code), ToBytes never writes them and
//     FromBytes never stores them, so they are dropped.
//
// Nothing else is normalised: ToBytes splits options longer than 255 bytes
// into RFC 3396 fragments, which FromBytes concatenates again, and an
// option's position in the packet is not part of the parsed value (Options
// is a map).
func normalV4(m *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	n := *m
	if len(n.ServerHostName) > 63 {
		n.ServerHostName = n.ServerHostName[:63]
	}
	if len(n.BootFileName) > 127 {
		n.BootFileName = n.BootFileName[:127]
	}
	if n.Options.Has(dhcpv4.OptionPad) || n.Options.Has(dhcpv4.OptionEnd) {
		n.Options = make(dhcpv4.Options, len(m.Options))
		for code, v := range m.Options {
			if code != dhcpv4.OptionPad.Code() && code != dhcpv4.OptionEnd.Code() {
				n.Options[code] = v
			}
		}
	}
	return &n
}

// lossyPrefixV6 reports whether d holds an IA prefix (RFC 8415 21.22) whose
// prefix-length byte is 0 or above 128, at any relay level, at top level or
// inside an IA_PD. Known library behaviour, reported in
// crashers/fuzz-dhcp.FuzzV6Wire/c2626904b7fb: OptIAPrefix.FromBytes
// turns length 0 into a nil Prefix (dropping the address bytes) and a length
// above 128 into a nil mask, which ToBytes writes as length 0. Such a
// message changes once on its first serialisation, so the round trip
// compares the first re-parse with the second instead: one normalisation
// step, then a strict fixed point.
func lossyPrefixV6(d dhcpv6.DHCPv6) bool {
	for depth := 0; d != nil && depth <= maxRelayDepth; depth++ {
		var opts dhcpv6.Options
		var next dhcpv6.DHCPv6
		switch x := d.(type) {
		case *dhcpv6.Message:
			opts = x.Options.Options
		case *dhcpv6.RelayMessage:
			opts = x.Options.Options
			next = x.Options.RelayMessage()
		}
		for _, o := range opts {
			if lossyPrefixOption(o) {
				return true
			}
		}
		d = next
	}
	return false
}

func lossyPrefixOption(o dhcpv6.Option) bool {
	switch p := o.(type) {
	case *dhcpv6.OptIAPrefix:
		return p.Prefix == nil || p.Prefix.Mask == nil
	case *dhcpv6.OptIAPD:
		for _, sub := range p.Options.Options {
			if lossyPrefixOption(sub) {
				return true
			}
		}
	}
	return false
}
