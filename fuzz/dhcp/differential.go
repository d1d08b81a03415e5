package dhcpfuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// V4Differential decodes data with both dhcpv4.FromBytes and gopacket's
// layers.DHCPv4 and requires them to agree on acceptance and on every field
// both model, up to the divergences D4.* listed in divergences.go. Both
// decoders see every input whatever the other said; the one exception is
// D4.3's exact trigger of a stored gopacket panic, off under harness.Strict.
func V4Differential(data []byte) error {
	m, errI := dhcpv4.FromBytes(data)
	if !harness.Strict() && len(data) >= 240 && (int(data[2]) > 255-28 || 28+int(data[2]) > len(data)) {
		return nil // D4.3: gopacket would panic
	}
	g, errG := gopacketV4(data)
	switch {
	case errI == nil && errG != nil:
		return harness.Violated("differential", "Accept", "insomniac accepts, gopacket rejects: %v", errG)
	case errI != nil && errG == nil:
		if errors.Is(errI, io.ErrUnexpectedEOF) {
			return nil // D4.1
		}
		return harness.Violated("differential", "Accept", "gopacket accepts, insomniac rejects: %v", errI)
	case errI != nil:
		return nil
	}
	if err := compareHeaderV4(m, g); err != nil {
		return err
	}
	return compareOptionsV4(m.Options, g.Options)
}

// gopacketV4 is gopacket's DHCPv4 decoder; oracle tests replace it to see
// which inputs reach it.
var gopacketV4 = func(raw []byte) (*layers.DHCPv4, error) {
	var g layers.DHCPv4
	return &g, g.DecodeFromBytes(raw, gopacket.NilDecodeFeedback)
}

// compareHeaderV4 compares the fixed BOOTP header fields both decoders
// model (D4.2, D4.4, D4.6).
func compareHeaderV4(m *dhcpv4.DHCPv4, g *layers.DHCPv4) error {
	hw := g.ClientHWAddr
	if len(hw) > 16 {
		hw = hw[:16] // D4.2
	}
	fields := []struct {
		name string
		i, g any
	}{
		{"OpCode", uint8(m.OpCode), uint8(g.Operation)},
		{"HWType", uint16(m.HWType), uint16(g.HardwareType)}, // D4.6
		{"HopCount", m.HopCount, g.HardwareOpts},
		{"TransactionID", binary.BigEndian.Uint32(m.TransactionID[:]), g.Xid},
		{"NumSeconds", m.NumSeconds, g.Secs},
		{"Flags", m.Flags, g.Flags},
		{"ClientIPAddr", m.ClientIPAddr.String(), g.ClientIP.String()},
		{"YourIPAddr", m.YourIPAddr.String(), g.YourClientIP.String()},
		{"ServerIPAddr", m.ServerIPAddr.String(), g.NextServerIP.String()},
		{"GatewayIPAddr", m.GatewayIPAddr.String(), g.RelayAgentIP.String()},
		{"ClientHWAddr", m.ClientHWAddr.String(), hw.String()},
		{"ServerHostName", m.ServerHostName, cutNUL(g.ServerName)}, // D4.4
		{"BootFileName", m.BootFileName, cutNUL(g.File)},
	}
	for _, f := range fields {
		if f.i != f.g {
			return harness.Violated("differential", f.name, "insomniac %v, gopacket %v", f.i, f.g)
		}
	}
	return nil
}

func cutNUL(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\x00")
	return s
}

// compareOptionsV4 compares insomniac's option map with gopacket's list
// concatenated per code (D4.5).
func compareOptionsV4(im dhcpv4.Options, gl layers.DHCPOptions) error {
	gm := map[uint8][]byte{}
	for _, o := range gl {
		if o.Type == layers.DHCPOptPad {
			continue
		}
		gm[uint8(o.Type)] = append(gm[uint8(o.Type)], o.Data...)
	}
	for code, v := range im {
		gv, ok := gm[code]
		if !ok {
			return harness.Violated("differential", fmt.Sprintf("Options[%d]", code), "only insomniac has it: %x", v)
		}
		if !bytes.Equal(v, gv) {
			return harness.Violated("differential", fmt.Sprintf("Options[%d]", code), "insomniac %x, gopacket %x", v, gv)
		}
	}
	for code, gv := range gm {
		if _, ok := im[code]; !ok {
			return harness.Violated("differential", fmt.Sprintf("Options[%d]", code), "only gopacket has it: %x", gv)
		}
	}
	return nil
}

// V6Differential decodes data with both dhcpv6.FromBytes and gopacket's
// layers.DHCPv6 and requires insomniac-accepts to imply gopacket-accepts,
// then agreement on the header, the option codes in order and the option
// values both keep raw, level by level through relays, up to the
// divergences D6.* in divergences.go.
//
// Every input reaches both decoders: one insomniac rejects is still decoded
// by gopacket, relayed messages included, so a gopacket panic on a
// malformed packet (where a decoder's crashes live) is a finding.
func V6Differential(data []byte) error {
	d, errI := dhcpv6.FromBytes(data)
	if errI != nil {
		decodeOnlyV6(data, 0) // D6.1: gopacket may still accept
		return nil
	}
	return compareV6("", d, data, 0)
}

// gopacketV6 is gopacket's DHCPv6 decoder; oracle tests replace it to see
// which inputs reach it.
var gopacketV6 = func(raw []byte) (*layers.DHCPv6, error) {
	var g layers.DHCPv6
	return &g, g.DecodeFromBytes(raw, gopacket.NilDecodeFeedback)
}

// decodeOnlyV6 runs gopacket over raw and the relayed messages it holds, as
// compareV6 does, where there is no insomniac decoding to compare with.
func decodeOnlyV6(raw []byte, depth int) {
	g, err := gopacketV6(raw)
	if err != nil || depth >= maxRelayDepth {
		return
	}
	for _, o := range g.Options {
		if o.Code == layers.DHCPv6OptRelayMessage {
			decodeOnlyV6(o.Data, depth+1)
		}
	}
}

// canonicalV6 lists the typed options whose ToBytes reproduces the bytes
// they were parsed from, so their values can be compared with gopacket's
// raw data (D6.2).
var canonicalV6 = map[dhcpv6.OptionCode]bool{
	dhcpv6.OptionClientID: true, dhcpv6.OptionServerID: true, dhcpv6.OptionInterfaceID: true,
	dhcpv6.OptionRemoteID: true, dhcpv6.OptionPreference: true, dhcpv6.OptionElapsedTime: true,
	dhcpv6.OptionDNSRecursiveNameServer: true, dhcpv6.OptionBootfileURL: true,
	dhcpv6.OptionUserClass: true, dhcpv6.OptionStatusCode: true,
}

func compareV6(path string, d dhcpv6.DHCPv6, raw []byte, depth int) error {
	g, err := gopacketV6(raw)
	if err != nil {
		return harness.Violated("differential", path+"Accept", "insomniac accepts, gopacket rejects: %v", err)
	}
	if uint8(d.Type()) != uint8(g.MsgType) {
		return harness.Violated("differential", path+"MessageType", "insomniac %v, gopacket %v", d.Type(), g.MsgType)
	}
	var opts dhcpv6.Options
	switch x := d.(type) {
	case *dhcpv6.Message:
		if !bytes.Equal(x.TransactionID[:], g.TransactionID) {
			return harness.Violated("differential", path+"TransactionID", "insomniac %x, gopacket %x", x.TransactionID[:], g.TransactionID)
		}
		opts = x.Options.Options
	case *dhcpv6.RelayMessage:
		switch {
		case x.HopCount != g.HopCount:
			return harness.Violated("differential", path+"HopCount", "insomniac %d, gopacket %d", x.HopCount, g.HopCount)
		case !x.LinkAddr.Equal(g.LinkAddr):
			return harness.Violated("differential", path+"LinkAddr", "insomniac %v, gopacket %v", x.LinkAddr, g.LinkAddr)
		case !x.PeerAddr.Equal(g.PeerAddr):
			return harness.Violated("differential", path+"PeerAddr", "insomniac %v, gopacket %v", x.PeerAddr, g.PeerAddr)
		}
		opts = x.Options.Options
	}
	if len(opts) != len(g.Options) {
		return harness.Violated("differential", path+"len(Options)", "insomniac %d, gopacket %d", len(opts), len(g.Options))
	}
	for i, o := range opts {
		field := fmt.Sprintf("%sOptions[%d](%s)", path, i, o.Code())
		gopt := g.Options[i]
		if uint16(o.Code()) != uint16(gopt.Code) {
			return harness.Violated("differential", field, "code: insomniac %d, gopacket %d", o.Code(), gopt.Code)
		}
		if o.Code() == dhcpv6.OptionRelayMsg && depth < maxRelayDepth {
			inner, err := dhcpv6.FromBytes(o.ToBytes())
			if err != nil {
				return harness.Violated("differential", field, "insomniac's relayed message does not re-parse: %v", err)
			}
			if err := compareV6(path+"Relay.", inner, gopt.Data, depth+1); err != nil { // D6.3
				return err
			}
			continue
		}
		_, generic := o.(*dhcpv6.OptionGeneric)
		if (generic || canonicalV6[o.Code()]) && !bytes.Equal(o.ToBytes(), gopt.Data) {
			return harness.Violated("differential", field, "insomniac %x, gopacket %x", o.ToBytes(), gopt.Data)
		}
	}
	return nil
}
