package dhcpfuzz

import "github.com/insomniacslk/dhcp/dhcpv4"

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
