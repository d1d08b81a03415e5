package main

import (
	"fmt"
	"net"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

var (
	clientMAC = net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	serverIP  = net.IPv4(192, 0, 2, 1).To4()
	relayIP   = net.IPv4(198, 51, 100, 1).To4()
	leaseIP   = net.IPv4(192, 0, 2, 100).To4()
	xid4      = dhcpv4.TransactionID{0xde, 0xad, 0xbe, 0xef}
)

// v4Seeds returns one packet per DHCPv4 message type and packets
// exercising PXE/netboot options, relay agent information, option overload
// and every option family the library decodes.
func v4Seeds() ([]seed, error) {
	var out []seed
	add := func(note string, m *dhcpv4.DHCPv4, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", note, err)
		}
		out = append(out, seed{m.ToBytes(), note})
		return nil
	}
	base := func(mods ...dhcpv4.Modifier) []dhcpv4.Modifier {
		return append([]dhcpv4.Modifier{dhcpv4.WithTransactionID(xid4), dhcpv4.WithHwAddr(clientMAC)}, mods...)
	}

	discover, err := dhcpv4.NewDiscovery(clientMAC, base(
		dhcpv4.WithRequestedOptions(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer,
			dhcpv4.OptionDomainName, dhcpv4.OptionDNSDomainSearchList, dhcpv4.OptionClasslessStaticRoute, dhcpv4.OptionNTPServers),
		dhcpv4.WithOption(dhcpv4.OptMaxMessageSize(1500)),
		dhcpv4.WithOption(dhcpv4.OptClientIdentifier(append([]byte{1}, clientMAC...))),
		dhcpv4.WithOption(dhcpv4.OptHostName("client1")),
	)...)
	if err := add("DISCOVER with parameter request list, client id, max size", discover, err); err != nil {
		return nil, err
	}
	offer, err := dhcpv4.NewReplyFromRequest(discover,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithYourIP(leaseIP),
		dhcpv4.WithServerIP(serverIP),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(serverIP),
		dhcpv4.WithDNS(net.IPv4(192, 0, 2, 53), net.IPv4(192, 0, 2, 54)),
		dhcpv4.WithLeaseTime(3600),
		dhcpv4.WithOption(dhcpv4.OptRenewTimeValue(1800*time.Second)),
		dhcpv4.WithOption(dhcpv4.OptRebindingTimeValue(3150*time.Second)),
		dhcpv4.WithOption(dhcpv4.OptDomainName("example.net")),
		dhcpv4.WithDomainSearchList("example.net", "lab.example.net", "example.org"),
		dhcpv4.WithOption(dhcpv4.OptBroadcastAddress(net.IPv4(192, 0, 2, 255))),
		dhcpv4.WithOption(dhcpv4.OptNTPServers(net.IPv4(192, 0, 2, 123))),
		dhcpv4.WithOption(dhcpv4.OptNetBIOSNameServers(net.IPv4(192, 0, 2, 139))),
		dhcpv4.WithOption(dhcpv4.OptClasslessStaticRoute(
			&dhcpv4.Route{Dest: mustCIDR("10.0.0.0/8"), Router: serverIP},
			&dhcpv4.Route{Dest: mustCIDR("172.16.128.0/17"), Router: serverIP},
			&dhcpv4.Route{Dest: mustCIDR("0.0.0.0/0"), Router: serverIP},
		)),
	)
	if err := add("OFFER with mask, router, DNS, lease/renew/rebind times, domain search, classless routes", offer, err); err != nil {
		return nil, err
	}
	request, err := dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptMaxMessageSize(1500)))
	if err := add("REQUEST built from the OFFER (requested IP, server id)", request, err); err != nil {
		return nil, err
	}
	ack, err := dhcpv4.NewReplyFromRequest(request,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(leaseIP),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(serverIP),
		dhcpv4.WithLeaseTime(3600),
		dhcpv4.WithIPv6OnlyPreferred(1800),
		dhcpv4.WithOption(dhcpv4.OptMessage("lease granted")),
	)
	if err := add("ACK with IPv6-only preferred and message", ack, err); err != nil {
		return nil, err
	}
	renew, err := dhcpv4.NewRenewFromAck(ack)
	if err := add("REQUEST renewing (ciaddr set, no server id)", renew, err); err != nil {
		return nil, err
	}
	release, err := dhcpv4.NewReleaseFromACK(ack, dhcpv4.WithTransactionID(xid4))
	if err := add("RELEASE built from the ACK", release, err); err != nil {
		return nil, err
	}
	inform, err := dhcpv4.NewInform(clientMAC, leaseIP, base(dhcpv4.WithRequestedOptions(dhcpv4.OptionDomainNameServer))...)
	if err := add("INFORM", inform, err); err != nil {
		return nil, err
	}
	nak, err := dhcpv4.NewReplyFromRequest(request, dhcpv4.WithMessageType(dhcpv4.MessageTypeNak),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)), dhcpv4.WithOption(dhcpv4.OptMessage("address not available")))
	if err := add("NAK with message", nak, err); err != nil {
		return nil, err
	}
	// Every other message type, including the lease query family (RFC 4388,
	// RFC 6926, RFC 7724) and FORCERENEW (RFC 3203).
	for t := 1; t <= 18; t++ {
		m, err := dhcpv4.New(base(dhcpv4.WithMessageType(dhcpv4.MessageType(t)),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)))...)
		if err := add(fmt.Sprintf("bare message type %d (%s)", t, dhcpv4.MessageType(t)), m, err); err != nil {
			return nil, err
		}
	}
	decline, err := dhcpv4.New(base(dhcpv4.WithMessageType(dhcpv4.MessageTypeDecline),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(leaseIP)), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)))...)
	if err := add("DECLINE with requested IP", decline, err); err != nil {
		return nil, err
	}

	// PXE / netboot.
	pxe, err := dhcpv4.NewDiscovery(clientMAC, base(
		dhcpv4.WithNetboot,
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient:Arch:00007:UNDI:003016")),
		dhcpv4.WithOption(dhcpv4.OptClientArch(iana.EFI_X86_64, iana.INTEL_X86PC)),
		dhcpv4.WithGeneric(dhcpv4.OptionClientNetworkInterfaceIdentifier, []byte{1, 3, 16}),
		dhcpv4.WithGeneric(dhcpv4.OptionClientMachineIdentifier, append([]byte{0}, make([]byte, 16)...)),
		dhcpv4.WithUserClass("iPXE", true),
		dhcpv4.WithOption(dhcpv4.OptVIVC(dhcpv4.VIVCIdentifier{EntID: 3561, Data: []byte("PXE-vendor")})),
	)...)
	if err := add("PXE DISCOVER: class id, client arch, NII, UUID, RFC 3004 user class, VIVC", pxe, err); err != nil {
		return nil, err
	}
	pxeOffer, err := dhcpv4.NewReplyFromRequest(pxe,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithYourIP(leaseIP),
		dhcpv4.WithServerIP(serverIP),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient")),
		dhcpv4.WithOption(dhcpv4.OptTFTPServerName("192.0.2.1")),
		dhcpv4.WithOption(dhcpv4.OptBootFileName("pxelinux.0")),
		dhcpv4.WithOption(dhcpv4.OptRootPath("/srv/nfsroot")),
		dhcpv4.WithGeneric(dhcpv4.OptionVendorSpecificInformation, []byte{6, 1, 8, 10, 4, 0, 'P', 'X', 'E', 255}),
		dhcpv4.WithGeneric(dhcpv4.GenericOptionCode(150), serverIP),
	)
	if err == nil {
		pxeOffer.ServerHostName = "boot.example.net"
		pxeOffer.BootFileName = "ipxe.efi"
	}
	if err := add("PXE OFFER: TFTP server, bootfile option and field, root path, vendor-specific PXE sub-options, option 150", pxeOffer, err); err != nil {
		return nil, err
	}
	uc, err := dhcpv4.NewDiscovery(clientMAC, base(dhcpv4.WithUserClass("linuxboot", false),
		dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure)))...)
	if err := add("DISCOVER with non-RFC3004 user class and auto-configure", uc, err); err != nil {
		return nil, err
	}

	// Relay agent information (RFC 3046) with circuit id, remote id, link
	// selection (RFC 3527), subscriber id (RFC 3993), server id override
	// (RFC 5107), relayed through a gateway.
	relayed, err := dhcpv4.NewDiscovery(clientMAC, base(dhcpv4.WithRelay(relayIP),
		dhcpv4.WithOption(dhcpv4.OptRelayAgentInfo(
			dhcpv4.OptGeneric(dhcpv4.AgentCircuitIDSubOption, []byte("Ethernet1/0/3:100")),
			dhcpv4.OptGeneric(dhcpv4.AgentRemoteIDSubOption, []byte{0, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55}),
			dhcpv4.OptGeneric(dhcpv4.LinkSelectionSubOption, net.IPv4(192, 0, 2, 0).To4()),
			dhcpv4.OptGeneric(dhcpv4.SubscriberIDSubOption, []byte("subscriber-42")),
			dhcpv4.OptGeneric(dhcpv4.ServerIdentifierOverrideSubOption, serverIP),
		)))...)
	if err := add("relayed DISCOVER with relay agent information sub-options", relayed, err); err != nil {
		return nil, err
	}
	ztp, err := dhcpv4.NewDiscovery(clientMAC, base(dhcpv4.WithRelay(relayIP),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("Arista;DCS-7050S-64;01.23;JPE12345678")),
		dhcpv4.WithOption(dhcpv4.OptRelayAgentInfo(dhcpv4.OptGeneric(dhcpv4.AgentCircuitIDSubOption, []byte("Ethernet13:Vlan200")))))...)
	if err := add("zero-touch provisioning DISCOVER (vendor class parsed by ztpv4, circuit id)", ztp, err); err != nil {
		return nil, err
	}

	// Option overload (RFC 2132 9.3): options carried in sname and file.
	for _, ov := range []struct {
		val         byte
		sname, file string
	}{
		{1, "", string([]byte{15, 7, 'o', 'v', 'l', '.', 'n', 'e', 't', 255})},
		{2, string([]byte{66, 9, '1', '9', '2', '.', '0', '.', '2', '.', '1', 255}), ""},
		{3, string([]byte{12, 4, 'h', 'o', 's', 't', 255}), string([]byte{67, 8, 'b', 'o', 'o', 't', '.', 'e', 'f', 'i', 255})},
	} {
		m, err := dhcpv4.NewReplyFromRequest(discover, dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
			dhcpv4.WithYourIP(leaseIP), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)),
			dhcpv4.WithGeneric(dhcpv4.OptionOptionOverload, []byte{ov.val}))
		if err == nil {
			m.ServerHostName, m.BootFileName = ov.sname, ov.file
		}
		if err := add(fmt.Sprintf("OFFER with option overload %d, options in sname/file", ov.val), m, err); err != nil {
			return nil, err
		}
	}

	// Long options: RFC 3396 splitting of an option longer than 255 bytes.
	long := make([]byte, 300)
	for i := range long {
		long[i] = byte('a' + i%26)
	}
	lm, err := dhcpv4.New(base(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithGeneric(dhcpv4.OptionRootPath, long))...)
	if err := add("ACK with a 300-byte root path split per RFC 3396", lm, err); err != nil {
		return nil, err
	}
	// A BOOTP packet (no message type) with a non-Ethernet hardware type.
	bootp, err := dhcpv4.New(dhcpv4.WithTransactionID(xid4), dhcpv4.WithHWType(iana.HWTypeIEEE802),
		dhcpv4.WithHwAddr(net.HardwareAddr{1, 2, 3, 4, 5, 6, 7, 8}), dhcpv4.WithBroadcast(true))
	if err := add("BOOTP request, IEEE 802 hardware type, broadcast flag", bootp, err); err != nil {
		return nil, err
	}
	out = append(out, seed{searchCompressed(), "ACK whose domain search list uses RFC 1035 compression pointers"})
	return out, nil
}

// searchCompressed builds an ACK whose option 119 uses compression
// pointers, which the library's constructors never emit.
func searchCompressed() []byte {
	m, _ := dhcpv4.New(dhcpv4.WithTransactionID(xid4), dhcpv4.WithHwAddr(clientMAC), dhcpv4.WithMessageType(dhcpv4.MessageTypeAck))
	m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionDNSDomainSearchList, []byte{
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		3, 'f', 'o', 'o', 0xc0, 0x00,
		3, 'b', 'a', 'r', 0xc0, 0x0d,
	}))
	return m.ToBytes()
}

func mustCIDR(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}
