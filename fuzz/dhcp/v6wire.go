package dhcpfuzz

import (
	"bytes"
	"fmt"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/ztpv6"
	"github.com/insomniacslk/dhcp/netboot"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// maxRelayDepth bounds relay decapsulation. RFC 8415 limits HOP_COUNT to
// 32; the bound keeps a deliberately deep nesting from costing more than the
// input is worth without hiding anything the library does (its own
// decapsulation is recursive and unbounded; FromBytes already parsed every
// level).
const maxRelayDepth = 40

// V6Wire decodes data as a DHCPv6 message or relay message, decapsulates
// every relay level (by RelayMessage, DecapsulateRelay and
// DecapsulateRelayIndex, which must agree), calls every option accessor on
// each level and on the inner message, then requires FromBytes -> ToBytes
// -> FromBytes to give the same message option by option and ToBytes to be
// a fixed point.
func V6Wire(data []byte) error {
	d, err := dhcpv6.FromBytes(data)
	if err != nil {
		return nil
	}
	if err := touchV6(d); err != nil {
		return err
	}
	return roundTripV6(d)
}

// decapsulateRelayIndex is the implementation touchV6 checks against
// RelayMessage(); a variable so a test can inject a wrong one.
var decapsulateRelayIndex = dhcpv6.DecapsulateRelayIndex

// touchV6 walks relay levels to the inner message, exercising each accessor.
// It returns an invariant violation when the library's decapsulation paths
// disagree about the nesting.
func touchV6(d dhcpv6.DHCPv6) error {
	_ = d.String()
	_ = d.Summary()
	_ = d.LongString(2)
	_, _ = dhcpv6.GetTransactionID(d)
	_, _ = ztpv6.ParseRemoteID(d)
	_, _ = ztpv6.ParseVendorData(d)
	inner, innerErr := d.GetInnerMessage()
	level := d
	for depth := 0; level.IsRelay() && depth < maxRelayDepth; depth++ {
		r := level.(*dhcpv6.RelayMessage)
		_ = r.Options.InterfaceID()
		if rid := r.Options.RemoteID(); rid != nil {
			_ = rid.String()
		}
		_, _ = r.Options.ClientLinkLayerAddress()
		if rp := r.Options.RelayPort(); rp != nil {
			_ = rp.String()
		}
		next := r.Options.RelayMessage()
		byIndex, err := decapsulateRelayIndex(d, depth)
		if next == nil {
			if err == nil {
				return harness.Violated("invariant", fmt.Sprintf("Relay[%d].RelayMessage", depth), "DecapsulateRelayIndex found a message RelayMessage() does not")
			}
			break
		}
		if err != nil || !bytes.Equal(byIndex.ToBytes(), next.ToBytes()) {
			return harness.Violated("invariant", fmt.Sprintf("Relay[%d].RelayMessage", depth), "DecapsulateRelayIndex(%d) disagrees with RelayMessage(): %v", depth, err)
		}
		level = next
	}
	if m, ok := level.(*dhcpv6.Message); ok {
		if innerErr != nil || inner != m {
			return harness.Violated("invariant", "GetInnerMessage", "returned %v, %v; decapsulation reached a message", inner, innerErr)
		}
		touchMessage6(m)
	}
	return nil
}

// touchMessage6 calls every MessageOptions accessor and the accessors of the
// options they return.
func touchMessage6(m *dhcpv6.Message) {
	mo := m.Options
	_ = mo.ArchTypes().String()
	for _, id := range []dhcpv6.DUID{mo.ClientID(), mo.ServerID()} {
		if id != nil {
			_ = id.String()
			_ = id.ToBytes()
			_ = id.DUIDType().String()
			_ = id.Equal(id)
		}
	}
	for _, ia := range mo.IANA() {
		_ = ia.Options.Status()
		_ = ia.Options.OneAddress()
		for _, a := range ia.Options.Addresses() {
			_ = a.Options.Status()
		}
	}
	_ = mo.OneIANA()
	for _, ia := range mo.IATA() {
		_ = ia.Options.Status()
		for _, a := range ia.Options.Addresses() {
			_ = a.Options.Status()
		}
	}
	_ = mo.OneIATA()
	_ = mo.Preference()
	for _, pd := range mo.IAPD() {
		_ = pd.Options.Status()
		for _, p := range pd.Options.Prefixes() {
			_ = p.Options.Status()
			_ = p.String()
		}
	}
	_ = mo.OneIAPD()
	for _, fr := range mo.FourRD() {
		_ = fr.MapRules()
		_ = fr.NonMapRule()
	}
	if s := mo.Status(); s != nil {
		_ = s.String()
	}
	_ = mo.RequestedOptions()
	_ = mo.DNS()
	if l := mo.DomainSearchList(); l != nil {
		_ = l.String()
	}
	_ = mo.BootFileURL()
	_ = mo.BootFileParam()
	_ = mo.UserClasses()
	for _, vc := range mo.VendorClasses() {
		_ = mo.VendorClass(vc.EnterpriseNumber)
	}
	for _, vo := range mo.VendorOpts() {
		_ = mo.VendorOpt(vo.EnterpriseNumber)
	}
	_ = mo.ElapsedTime()
	_ = mo.InformationRefreshTime(time.Hour)
	if f := mo.FQDN(); f != nil {
		_ = f.String()
	}
	_ = mo.DHCP4oDHCP6Server()
	_ = mo.NTPServers()
	_ = mo.SNTP()
	for _, o := range m.GetOption(dhcpv6.OptionDHCPv4Msg) {
		if v4, ok := o.(*dhcpv6.OptDHCPv4Msg); ok && v4.Msg != nil {
			touchV4(v4.Msg)
		}
	}
	_ = m.IsNetboot()
	_ = m.IsOptionRequested(dhcpv6.OptionBootfileURL)
	_, _ = netboot.GetNetConfFromPacketv6(m)
}

// roundTripV6 serialises d, parses it back and compares level by level.
func roundTripV6(d dhcpv6.DHCPv6) error {
	if !harness.Strict() && lossyPrefixV6(d) {
		normal, err := dhcpv6.FromBytes(d.ToBytes())
		if err != nil {
			return harness.Violated("roundtrip", "FromBytes", "ToBytes output does not parse: %v\nfirst: %s", err, d.Summary())
		}
		d = normal
	}
	wire := d.ToBytes()
	d2, err := dhcpv6.FromBytes(wire)
	if err != nil {
		return harness.Violated("roundtrip", "FromBytes", "ToBytes output does not parse: %v\nfirst: %s", err, d.Summary())
	}
	if err := equalV6("", d, d2); err != nil {
		return err
	}
	if again := d2.ToBytes(); !bytes.Equal(wire, again) {
		return harness.Violated("roundtrip", "ToBytes", "second serialisation differs:\n%x\n%x", wire, again)
	}
	return nil
}

// equalV6 compares two messages' headers and options in order; an option
// is compared by code and serialised value, and a relayed message is
// compared recursively so the violation names the level ("Relay.").
func equalV6(path string, a, b dhcpv6.DHCPv6) error {
	if a.Type() != b.Type() {
		return harness.Violated("roundtrip", path+"MessageType", "%v != %v", a.Type(), b.Type())
	}
	var oa, ob dhcpv6.Options
	switch x := a.(type) {
	case *dhcpv6.Message:
		y := b.(*dhcpv6.Message)
		if x.TransactionID != y.TransactionID {
			return harness.Violated("roundtrip", path+"TransactionID", "%v != %v", x.TransactionID, y.TransactionID)
		}
		oa, ob = x.Options.Options, y.Options.Options
	case *dhcpv6.RelayMessage:
		y := b.(*dhcpv6.RelayMessage)
		switch {
		case x.HopCount != y.HopCount:
			return harness.Violated("roundtrip", path+"HopCount", "%d != %d", x.HopCount, y.HopCount)
		case !x.LinkAddr.Equal(y.LinkAddr):
			return harness.Violated("roundtrip", path+"LinkAddr", "%v != %v", x.LinkAddr, y.LinkAddr)
		case !x.PeerAddr.Equal(y.PeerAddr):
			return harness.Violated("roundtrip", path+"PeerAddr", "%v != %v", x.PeerAddr, y.PeerAddr)
		}
		oa, ob = x.Options.Options, y.Options.Options
	}
	if len(oa) != len(ob) {
		return harness.Violated("roundtrip", path+"len(Options)", "%d != %d", len(oa), len(ob))
	}
	for i := range oa {
		field := fmt.Sprintf("%sOptions[%d](%s)", path, i, oa[i].Code())
		if oa[i].Code() != ob[i].Code() {
			return harness.Violated("roundtrip", field, "code %v != %v", oa[i].Code(), ob[i].Code())
		}
		if oa[i].Code() == dhcpv6.OptionRelayMsg {
			// optRelayMsg is unexported: reach the nested message through
			// its encoding, so a difference is reported at its own level.
			ma, errA := dhcpv6.FromBytes(oa[i].ToBytes())
			mb, errB := dhcpv6.FromBytes(ob[i].ToBytes())
			if errA == nil && errB == nil {
				if err := equalV6(path+"Relay.", ma, mb); err != nil {
					return err
				}
				continue
			}
		}
		if va, vb := oa[i].ToBytes(), ob[i].ToBytes(); !bytes.Equal(va, vb) {
			return harness.Violated("roundtrip", field, "%x != %x", va, vb)
		}
	}
	return nil
}
