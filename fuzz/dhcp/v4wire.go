package dhcpfuzz

import (
	"bytes"
	"fmt"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/ztpv4"
	"github.com/insomniacslk/dhcp/iana"
	"github.com/insomniacslk/dhcp/netboot"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// V4Wire decodes data as a DHCPv4 packet, calls every typed accessor (the
// library decodes options only when one is asked for), re-encodes each typed
// option whose encoding is canonical and requires the original bytes back,
// then requires FromBytes -> ToBytes -> FromBytes to give an equal message in
// the normal form of normalV4.
func V4Wire(data []byte) error {
	m, err := dhcpv4.FromBytes(data)
	if err != nil {
		return nil
	}
	touchV4(m)
	if err := typedV4(m.Options); err != nil {
		return err
	}
	return roundTripV4(m)
}

// roundTripV4 serialises m, parses the result and compares it with m.
// A second serialisation must reproduce the first byte for byte: ToBytes
// is deterministic (options sorted by code, agent information last).
func roundTripV4(m *dhcpv4.DHCPv4) error {
	wire := m.ToBytes()
	m2, err := dhcpv4.FromBytes(wire)
	if err != nil {
		return harness.Violated("roundtrip", "FromBytes", "ToBytes output does not parse: %v\nfirst: %s", err, m.Summary())
	}
	if err := equalV4(normalV4(m), normalV4(m2)); err != nil {
		return err
	}
	if again := m2.ToBytes(); !bytes.Equal(wire, again) {
		return harness.Violated("roundtrip", "ToBytes", "second serialisation differs:\n%x\n%x", wire, again)
	}
	return nil
}

// touchV4 calls every accessor that decodes an option lazily, and the
// printers that decode every known option, so that all option parsers see
// the fuzzed bytes. Results are discarded: the property here is "no panic,
// no hang"; typedV4 checks values.
func touchV4(m *dhcpv4.DHCPv4) {
	_ = m.BroadcastAddress()
	_ = m.RequestedIPAddress()
	_ = m.ServerIdentifier()
	_ = m.Router()
	for _, r := range m.ClasslessStaticRoute() {
		_ = r.String()
	}
	_ = m.NTPServers()
	_ = m.NetBIOSNameServers()
	_ = m.DNS()
	_ = m.DomainName()
	_ = m.HostName()
	_ = m.RootPath()
	_ = m.BootFileNameOption()
	_ = m.TFTPServerName()
	_ = m.ClassIdentifier()
	_ = iana.Archs(m.ClientArch()).String()
	if l := m.DomainSearch(); l != nil {
		_ = l.String()
		_ = l.Length()
	}
	_ = m.IPAddressLeaseTime(time.Hour)
	_ = m.IPAddressRenewalTime(time.Hour)
	_ = m.IPAddressRebindingTime(time.Hour)
	_, _ = m.IPv6OnlyPreferred()
	_, _ = m.MaxMessageSize()
	if a, ok := m.AutoConfigure(); ok {
		_ = a.String()
	}
	_ = m.MessageType().String()
	_ = m.Message()
	_ = m.ParameterRequestList().String()
	if rai := m.RelayAgentInfo(); rai != nil {
		_ = rai.String()
		for code := range rai.Options {
			_ = rai.Get(dhcpv4.GenericOptionCode(code))
		}
	}
	_ = m.SubnetMask()
	_ = m.UserClass()
	_ = m.VIVC().String()
	_ = m.IsOptionRequested(dhcpv4.OptionBootfileName)
	_ = m.FlagsToString()
	_ = m.String()
	_ = m.Summary()
	_, _ = ztpv4.ParseVendorData(m)
	_, _ = ztpv4.ParseCircuitID(m)
	_, _ = netboot.GetNetConfFromPacketv4(m)
}

// typedV4 re-encodes every option whose typed form is canonical (one byte
// string per value) and requires the raw option bytes back. Options whose
// typed form is not canonical are compared in a normal form instead:
// relay agent information re-sorts its sub-options, so its sub-option maps
// are compared after a reparse.
func typedV4(o dhcpv4.Options) error {
	for _, c := range canonicalV4 {
		raw := o.Get(c.code)
		dec := c.decoder()
		if raw == nil || dec.FromBytes(raw) != nil {
			continue
		}
		if got := dec.ToBytes(); !bytes.Equal(got, raw) {
			return harness.Violated("roundtrip", "Options["+c.code.String()+"]", "typed re-encoding %x != raw %x", got, raw)
		}
	}
	if raw := o.Get(dhcpv4.OptionRelayAgentInformation); raw != nil {
		var r1, r2 dhcpv4.RelayOptions
		if r1.FromBytes(raw) == nil {
			if err := r2.FromBytes(r1.Options.ToBytes()); err != nil {
				return harness.Violated("roundtrip", "Options[Relay Agent Information]", "re-encoded sub-options do not parse: %v", err)
			}
			if err := equalOptionsV4("Options[Relay Agent Information].", r1.Options, r2.Options); err != nil {
				return err
			}
		}
	}
	return nil
}

// optionCodec is a typed option value: dhcpv4's IPs, IP, Routes, ...
type optionCodec interface {
	FromBytes([]byte) error
	ToBytes() []byte
}

// canonicalV4 lists the options whose typed form re-encodes to exactly the
// bytes it was parsed from, with a constructor for a fresh value (some
// FromBytes append to their receiver).
var canonicalV4 = []struct {
	code    dhcpv4.OptionCode
	decoder func() optionCodec
}{
	{dhcpv4.OptionRouter, func() optionCodec { return &dhcpv4.IPs{} }},
	{dhcpv4.OptionDomainNameServer, func() optionCodec { return &dhcpv4.IPs{} }},
	{dhcpv4.OptionNTPServers, func() optionCodec { return &dhcpv4.IPs{} }},
	{dhcpv4.OptionNetBIOSOverTCPIPNameServer, func() optionCodec { return &dhcpv4.IPs{} }},
	{dhcpv4.OptionServerIdentifier, func() optionCodec { return new(dhcpv4.IP) }},
	{dhcpv4.OptionRequestedIPAddress, func() optionCodec { return new(dhcpv4.IP) }},
	{dhcpv4.OptionBroadcastAddress, func() optionCodec { return new(dhcpv4.IP) }},
	{dhcpv4.OptionClasslessStaticRoute, func() optionCodec { return &dhcpv4.Routes{} }},
	{dhcpv4.OptionParameterRequestList, func() optionCodec { return &dhcpv4.OptionCodeList{} }},
	{dhcpv4.OptionUserClassInformation, func() optionCodec { return &dhcpv4.Strings{} }},
	{dhcpv4.OptionVendorIdentifyingVendorClass, func() optionCodec { return &dhcpv4.VIVCIdentifiers{} }},
	{dhcpv4.OptionIPAddressLeaseTime, func() optionCodec { return new(dhcpv4.Duration) }},
	{dhcpv4.OptionMaximumDHCPMessageSize, func() optionCodec { return new(dhcpv4.Uint16) }},
	{dhcpv4.OptionClientSystemArchitectureType, func() optionCodec { return &iana.Archs{} }},
}

// equalV4 compares two packets field by field and returns a roundtrip
// Violation naming the first field that differs.
func equalV4(a, b *dhcpv4.DHCPv4) error {
	fields := []struct {
		name string
		a, b any
	}{
		{"OpCode", a.OpCode, b.OpCode},
		{"HWType", a.HWType, b.HWType},
		{"HopCount", a.HopCount, b.HopCount},
		{"TransactionID", a.TransactionID, b.TransactionID},
		{"NumSeconds", a.NumSeconds, b.NumSeconds},
		{"Flags", a.Flags, b.Flags},
		{"ClientIPAddr", a.ClientIPAddr.String(), b.ClientIPAddr.String()},
		{"YourIPAddr", a.YourIPAddr.String(), b.YourIPAddr.String()},
		{"ServerIPAddr", a.ServerIPAddr.String(), b.ServerIPAddr.String()},
		{"GatewayIPAddr", a.GatewayIPAddr.String(), b.GatewayIPAddr.String()},
		{"ClientHWAddr", a.ClientHWAddr.String(), b.ClientHWAddr.String()},
		{"ServerHostName", a.ServerHostName, b.ServerHostName},
		{"BootFileName", a.BootFileName, b.BootFileName},
	}
	for _, f := range fields {
		if f.a != f.b {
			return harness.Violated("roundtrip", f.name, "%v != %v", f.a, f.b)
		}
	}
	return equalOptionsV4("Options", a.Options, b.Options)
}

// equalOptionsV4 compares two option maps; prefix names the map in the
// violation's field path.
func equalOptionsV4(prefix string, a, b dhcpv4.Options) error {
	for code, va := range a {
		vb, ok := b[code]
		if !ok {
			return harness.Violated("roundtrip", fmt.Sprintf("%s[%d]", prefix, code), "option lost: %x", va)
		}
		if !bytes.Equal(va, vb) {
			return harness.Violated("roundtrip", fmt.Sprintf("%s[%d]", prefix, code), "%x != %x", va, vb)
		}
	}
	for code, vb := range b {
		if _, ok := a[code]; !ok {
			return harness.Violated("roundtrip", fmt.Sprintf("%s[%d]", prefix, code), "option appeared: %x", vb)
		}
	}
	return nil
}
