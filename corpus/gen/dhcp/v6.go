package main

import (
	"fmt"
	"net"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/iana"
	"github.com/insomniacslk/dhcp/rfc1035label"
)

var (
	xid6      = dhcpv6.TransactionID{0x0a, 0x0b, 0x0c}
	clientLLT = &dhcpv6.DUIDLLT{HWType: iana.HWTypeEthernet, Time: 0x2a2a2a2a, LinkLayerAddr: clientMAC}
	serverLL  = &dhcpv6.DUIDLL{HWType: iana.HWTypeEthernet, LinkLayerAddr: net.HardwareAddr{0x02, 0, 0, 0, 0, 1}}
	addr6     = net.ParseIP("2001:db8::100")
	link6     = net.ParseIP("2001:db8:1::1")
	peer6     = net.ParseIP("fe80::5054:ff:fe12:3456")
	iaid      = [4]byte{0, 0, 0, 1}
)

// v6Seeds returns every DHCPv6 client/server message type, relay
// forward/reply (nested), prefix delegation, netboot, and each option
// family the library decodes.
func v6Seeds() ([]seed, error) {
	var out []seed
	add := func(note string, m dhcpv6.DHCPv6, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", note, err)
		}
		out = append(out, seed{m.ToBytes(), note})
		return nil
	}
	fixed := func(d dhcpv6.DHCPv6) {
		if m, ok := d.(*dhcpv6.Message); ok {
			m.TransactionID = xid6
		}
		d.UpdateOption(dhcpv6.OptClientID(clientLLT))
	}
	prefix := &dhcpv6.OptIAPrefix{PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour, Prefix: mustCIDR6("2001:db8:ff00::/56")}
	solicit, err := dhcpv6.NewSolicit(clientMAC, fixed,
		dhcpv6.WithIAPD(iaid, prefix),
		dhcpv6.WithRequestedOptions(dhcpv6.OptionDNSRecursiveNameServer, dhcpv6.OptionDomainSearchList,
			dhcpv6.OptionNTPServer, dhcpv6.OptionSNTPServerList, dhcpv6.OptionInformationRefreshTime),
		dhcpv6.WithUserClass([]byte("linuxboot")),
		dhcpv6.WithFQDN(1, "client1.example.net"),
		dhcpv6.WithOption(&dhcpv6.OptVendorClass{EnterpriseNumber: 9, Data: [][]byte{[]byte("vendor-class")}}),
	)
	if err := add("SOLICIT with IA_NA, IA_PD hint, ORO, user/vendor class, FQDN", solicit, err); err != nil {
		return nil, err
	}
	rapid, err := dhcpv6.NewSolicit(clientMAC, fixed, dhcpv6.WithRapidCommit)
	if err := add("SOLICIT with rapid commit", rapid, err); err != nil {
		return nil, err
	}
	adv, err := dhcpv6.NewAdvertiseFromSolicit(solicit,
		dhcpv6.WithServerID(serverLL),
		dhcpv6.WithPreference(255),
		dhcpv6.WithIANA(dhcpv6.OptIAAddress{IPv6Addr: addr6, PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour}),
		dhcpv6.WithIAPD(iaid, prefix),
		dhcpv6.WithDNS(net.ParseIP("2001:db8::53")),
		dhcpv6.WithDomainSearchList("example.net", "lab.example.net"),
	)
	if err := add("ADVERTISE with server id, preference, IA_NA address, IA_PD prefix, DNS, search list", adv, err); err != nil {
		return nil, err
	}
	req, err := dhcpv6.NewRequestFromAdvertise(adv, fixed)
	if err := add("REQUEST built from the ADVERTISE", req, err); err != nil {
		return nil, err
	}
	reply, err := dhcpv6.NewReplyFromMessage(req,
		dhcpv6.WithServerID(serverLL),
		dhcpv6.WithIANA(dhcpv6.OptIAAddress{IPv6Addr: addr6, PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour}),
		dhcpv6.WithIAPD(iaid, prefix),
		dhcpv6.WithDNS(net.ParseIP("2001:db8::53"), net.ParseIP("2001:db8::54")),
		dhcpv6.WithDomainSearchList("example.net"),
		dhcpv6.WithInformationRefreshTime(6*time.Hour),
		dhcpv6.WithOption(dhcpv6.OptSNTP(net.ParseIP("2001:db8::123"))),
		dhcpv6.WithOption(&dhcpv6.OptNTPServer{Suboptions: dhcpv6.Options{
			ntpAddr(net.ParseIP("2001:db8::124")),
			&dhcpv6.OptionGeneric{OptionCode: dhcpv6.NTPSuboptionSrvFQDNCode, OptionData: labelsBytes("ntp.example.net")},
		}}),
		dhcpv6.WithOption(&dhcpv6.OptStatusCode{StatusCode: iana.StatusSuccess, StatusMessage: "all addresses assigned"}),
		dhcpv6.WithDHCP4oDHCP6Server(net.ParseIP("2001:db8::67")),
	)
	if err := add("REPLY with IA_NA, IA_PD, DNS, search list, refresh time, SNTP, NTP sub-options, status, 4o6 server", reply, err); err != nil {
		return nil, err
	}
	pdReply, err := dhcpv6.NewReplyFromMessage(req, dhcpv6.WithServerID(serverLL),
		dhcpv6.WithOption(&dhcpv6.OptIAPD{IaId: iaid, T1: time.Hour, T2: 2 * time.Hour, Options: dhcpv6.PDOptions{Options: dhcpv6.Options{
			&dhcpv6.OptIAPrefix{PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour, Prefix: mustCIDR6("2001:db8:100::/48")},
			&dhcpv6.OptIAPrefix{PreferredLifetime: 0, ValidLifetime: 0, Prefix: mustCIDR6("2001:db8:200::/64"),
				Options: dhcpv6.PrefixOptions{Options: dhcpv6.Options{&dhcpv6.OptStatusCode{StatusCode: iana.StatusNoPrefixAvail, StatusMessage: "gone"}}}},
			&dhcpv6.OptStatusCode{StatusCode: iana.StatusSuccess},
		}}}))
	if err := add("REPLY delegating two prefixes, one with a status sub-option (RFC 8415 prefix delegation)", pdReply, err); err != nil {
		return nil, err
	}
	for _, t := range []dhcpv6.MessageType{dhcpv6.MessageTypeConfirm, dhcpv6.MessageTypeRenew, dhcpv6.MessageTypeRebind,
		dhcpv6.MessageTypeRelease, dhcpv6.MessageTypeDecline, dhcpv6.MessageTypeReconfigure, dhcpv6.MessageTypeInformationRequest,
		dhcpv6.MessageTypeLeaseQuery, dhcpv6.MessageTypeLeaseQueryReply, dhcpv6.MessageTypeDHCPv4Response} {
		m := &dhcpv6.Message{MessageType: t, TransactionID: xid6}
		m.AddOption(dhcpv6.OptClientID(clientLLT))
		if t != dhcpv6.MessageTypeInformationRequest && t != dhcpv6.MessageTypeRebind && t != dhcpv6.MessageTypeConfirm {
			m.AddOption(dhcpv6.OptServerID(serverLL))
		}
		m.AddOption(dhcpv6.OptElapsedTime(1500 * time.Millisecond))
		switch t {
		case dhcpv6.MessageTypeRenew, dhcpv6.MessageTypeRebind, dhcpv6.MessageTypeRelease, dhcpv6.MessageTypeDecline, dhcpv6.MessageTypeConfirm:
			dhcpv6.WithIANA(dhcpv6.OptIAAddress{IPv6Addr: addr6, PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour})(m)
			dhcpv6.WithIAPD(iaid, prefix)(m)
		case dhcpv6.MessageTypeReconfigure:
			m.AddOption(&dhcpv6.OptionGeneric{OptionCode: dhcpv6.OptionReconfMessage, OptionData: []byte{byte(dhcpv6.MessageTypeRenew)}})
		case dhcpv6.MessageTypeInformationRequest:
			dhcpv6.WithRequestedOptions(dhcpv6.OptionDNSRecursiveNameServer, dhcpv6.OptionDomainSearchList)(m)
		}
		if err := add(t.String()+" with client/server id, elapsed time and IAs", m, nil); err != nil {
			return nil, err
		}
	}
	// Temporary addresses.
	ta := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeSolicit, TransactionID: xid6}
	ta.AddOption(dhcpv6.OptClientID(&dhcpv6.DUIDEN{EnterpriseNumber: 32473, EnterpriseIdentifier: []byte("client-en")}))
	dhcpv6.WithIATA(iaid, dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8::7a"), PreferredLifetime: time.Minute, ValidLifetime: time.Hour})(ta)
	ta.AddOption(&dhcpv6.OptionGeneric{OptionCode: dhcpv6.OptionReconfAccept})
	if err := add("SOLICIT with IA_TA, DUID-EN and reconfigure-accept", ta, nil); err != nil {
		return nil, err
	}
	// Netboot (RFC 5970): arch type, NII, boot file URL and parameters,
	// vendor options.
	nb, err := dhcpv6.NewSolicit(clientMAC, fixed, dhcpv6.WithNetboot, dhcpv6.WithArchType(iana.EFI_X86_64),
		dhcpv6.WithOption(&dhcpv6.OptNetworkInterfaceID{Typ: dhcpv6.NII_UNDI_EFI_GEN_II, Major: 3, Minor: 16}),
		dhcpv6.WithClientID(&dhcpv6.DUIDUUID{UUID: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}))
	if err := add("netboot SOLICIT: arch type, NII, DUID-UUID", nb, err); err != nil {
		return nil, err
	}
	nbReply, err := dhcpv6.NewReplyFromMessage(req, dhcpv6.WithServerID(serverLL),
		dhcpv6.WithOption(dhcpv6.OptBootFileURL("http://[2001:db8::1]/boot/ipxe.efi")),
		dhcpv6.WithOption(dhcpv6.OptBootFileParam("root=/dev/nfs", "console=ttyS0")),
		dhcpv6.WithOption(&dhcpv6.OptVendorOpts{EnterpriseNumber: 33279, VendorOpts: dhcpv6.Options{
			&dhcpv6.OptionGeneric{OptionCode: 1, OptionData: []byte("image-url")},
			&dhcpv6.OptionGeneric{OptionCode: 2, OptionData: []byte("3.14")},
		}}),
		dhcpv6.WithOption(&dhcpv6.OptionGeneric{OptionCode: dhcpv6.Option4RD, OptionData: fourRD()}),
	)
	if err := add("netboot REPLY: boot file URL and params, vendor options, 4rd map rules", nbReply, err); err != nil {
		return nil, err
	}
	dhcp4o6, err := dhcpv4.NewDiscovery(clientMAC, dhcpv4.WithTransactionID(xid4))
	if err != nil {
		return nil, err
	}
	q := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeDHCPv4Query, TransactionID: xid6}
	q.AddOption(&dhcpv6.OptDHCPv4Msg{Msg: dhcp4o6})
	if err := add("DHCPV4-QUERY carrying a DHCPv4 DISCOVER (RFC 7341)", q, nil); err != nil {
		return nil, err
	}

	// Relays: RELAY-FORW with interface-id, remote-id, client link-layer
	// address, relay port; nested twice; and the RELAY-REPL answers.
	fw, err := dhcpv6.EncapsulateRelay(solicit, dhcpv6.MessageTypeRelayForward, link6, peer6)
	if err != nil {
		return nil, err
	}
	fw.AddOption(dhcpv6.OptInterfaceID([]byte("eth0.100")))
	fw.AddOption(&dhcpv6.OptRemoteID{EnterpriseNumber: 4491, RemoteID: []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}})
	fw.AddOption(dhcpv6.OptClientLinkLayerAddress(iana.HWTypeEthernet, clientMAC))
	fw.AddOption(dhcpv6.OptRelayPort(1547))
	if err := add("RELAY-FORW with interface-id, remote-id, client link-layer address, relay port", fw, nil); err != nil {
		return nil, err
	}
	fw2, err := dhcpv6.EncapsulateRelay(fw, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8:2::1"), link6)
	if err := add("RELAY-FORW nested in RELAY-FORW", fw2, err); err != nil {
		return nil, err
	}
	fw2.AddOption(dhcpv6.OptInterfaceID([]byte("uplink")))
	fw3, err := dhcpv6.EncapsulateRelay(fw2, dhcpv6.MessageTypeRelayForward, nil, net.ParseIP("2001:db8:3::1"))
	if err := add("three relay levels, innermost SOLICIT", fw3, err); err != nil {
		return nil, err
	}
	repl, err := dhcpv6.NewRelayReplFromRelayForw(fw, adv)
	if err := add("RELAY-REPL answering the RELAY-FORW with the ADVERTISE", repl, err); err != nil {
		return nil, err
	}
	repl2, err := dhcpv6.NewRelayReplFromRelayForw(fw2, reply)
	if err := add("nested RELAY-REPL carrying the REPLY", repl2, err); err != nil {
		return nil, err
	}
	return out, nil
}

func ntpAddr(ip net.IP) dhcpv6.Option {
	a := dhcpv6.NTPSuboptionSrvAddr(ip)
	return &a
}

// fourRD encodes an OPTION_4RD holding one map rule and one non-map rule
// (RFC 7600 4.9-4.10).
func fourRD() []byte {
	rule := []byte{
		0, 98, 0, 24, // OPTION_4RD_MAP_RULE, length 24
		24, 56, 8, 0x80, // prefix4-len, prefix6-len, ea-len, W flag
		192, 0, 2, 0, // rule-ipv4-prefix
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // rule-ipv6-prefix
	}
	non := []byte{0, 99, 0, 4, 0x81, 0x10, 0x05, 0xdc} // OPTION_4RD_NON_MAP_RULE: H+T, traffic class, PMTU 1500
	return append(rule, non...)
}

func labelsBytes(names ...string) []byte {
	return (&rfc1035label.Labels{Labels: names}).ToBytes()
}

func mustCIDR6(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}
