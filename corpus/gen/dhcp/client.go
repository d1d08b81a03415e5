package main

import (
	"net"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"

	dhcpfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/dhcp"
)

// client4Seeds returns rogue-server conversations for the Client4 target:
// the replies to DISCOVER, REQUEST and RENEW, framed as records. The target
// copies the client's xid and MAC into each reply, as an attacker on the
// segment would.
func client4Seeds() ([]seed, error) {
	disc, err := dhcpv4.NewDiscovery(clientMAC, dhcpv4.WithTransactionID(xid4))
	if err != nil {
		return nil, err
	}
	reply := func(t dhcpv4.MessageType, mods ...dhcpv4.Modifier) []byte {
		m, err := dhcpv4.NewReplyFromRequest(disc, append([]dhcpv4.Modifier{
			dhcpv4.WithMessageType(t), dhcpv4.WithYourIP(leaseIP), dhcpv4.WithServerIP(serverIP),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
			dhcpv4.WithRouter(serverIP), dhcpv4.WithDNS(serverIP), dhcpv4.WithLeaseTime(60)}, mods...)...)
		if err != nil {
			panic(err) // constant inputs
		}
		return m.ToBytes()
	}
	offer, ack := reply(dhcpv4.MessageTypeOffer), reply(dhcpv4.MessageTypeAck)
	nak := reply(dhcpv4.MessageTypeNak, dhcpv4.WithOption(dhcpv4.OptMessage("go away")))
	pxe := []dhcpv4.Modifier{dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient")),
		dhcpv4.WithOption(dhcpv4.OptTFTPServerName("192.0.2.1")), dhcpv4.WithOption(dhcpv4.OptBootFileName("ipxe.efi")),
		dhcpv4.WithDomainSearchList("example.net"), dhcpv4.WithIPv6OnlyPreferred(300)}
	other := []dhcpv4.Modifier{dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(203, 0, 113, 9)))}
	return []seed{
		{dhcpfuzz.EncodeRecords(offer, ack, ack), "OFFER, ACK, ACK to the renewal"},
		{dhcpfuzz.EncodeRecords(offer, ack, ack, ack), "OFFER, ACK, ACK to the renewal, ACK to the INFORM"},
		{dhcpfuzz.EncodeRecords(offer, nak), "OFFER then NAK"},
		{dhcpfuzz.EncodeRecords(offer, ack, nak), "lease granted, renewal refused"},
		{dhcpfuzz.EncodeRecords(reply(dhcpv4.MessageTypeOffer, pxe...), reply(dhcpv4.MessageTypeAck, pxe...), ack), "netboot OFFER and ACK"},
		{dhcpfuzz.EncodeRecords(offer, reply(dhcpv4.MessageTypeAck, other...)), "ACK from a different server identifier than the OFFER"},
		{dhcpfuzz.EncodeRecords(ack), "ACK instead of OFFER"},
		{dhcpfuzz.EncodeRecords(nil, offer, ack, nil, ack), "silent at the DISCOVER and the RENEW: OFFER, ACK and ACK to the retransmissions"},
		{dhcpfuzz.EncodeRecords(offer, nil, nak), "silent at the REQUEST, NAK to its retransmission"},
		{dhcpfuzz.EncodeRecords(nil), "a server that never answers"},
	}, nil
}

// exchangeSeeds returns scripts for the Exchange4 target (see
// dhcpfuzz.ExDiscover and friends for the step layout).
func exchangeSeeds() []seed {
	step := func(op, client, arg byte) []byte { return []byte{op, client, arg} }
	cat := func(steps ...[]byte) []byte {
		var out []byte
		for _, s := range steps {
			out = append(out, s...)
		}
		return out
	}
	var exhaust []byte
	for c := byte(0); c < 10; c++ {
		exhaust = append(exhaust, cat(step(dhcpfuzz.ExDiscover, c, 0xff), step(dhcpfuzz.ExSelect, c, 0))...)
	}
	return []seed{
		{cat(step(dhcpfuzz.ExDiscover, 0, 0xff), step(dhcpfuzz.ExSelect, 0, 0), step(dhcpfuzz.ExRenew, 0, 0), step(dhcpfuzz.ExRelease, 0, 0)),
			"DISCOVER, OFFER, REQUEST, ACK, RENEW, ACK, RELEASE"},
		{cat(step(dhcpfuzz.ExDiscover, 0, 3), step(dhcpfuzz.ExDiscover, 1, 3), step(dhcpfuzz.ExSelect, 1, 0), step(dhcpfuzz.ExSelect, 0, 0)),
			"two clients asking for the same address"},
		{cat(step(dhcpfuzz.ExDiscover, 2, 0xff), step(dhcpfuzz.ExSelect, 2, 0), step(dhcpfuzz.ExDecline, 2, 0), step(dhcpfuzz.ExDiscover, 2, 0xff), step(dhcpfuzz.ExSelect, 2, 0)),
			"DECLINE then a new lease"},
		{cat(step(dhcpfuzz.ExReboot, 3, 1), step(dhcpfuzz.ExDiscover, 3, 1), step(dhcpfuzz.ExSelect, 3, 0), step(dhcpfuzz.ExInform, 3, 0), step(dhcpfuzz.ExReboot, 3, 1)),
			"INIT-REBOOT NAK, then a lease, INFORM, INIT-REBOOT ACK"},
		{cat(step(dhcpfuzz.ExDiscoverWithOption, 4, 61), []byte{7, 1, 2, 0, 0, 0, 0x5a, 4}, step(dhcpfuzz.ExSelect, 4, 0)),
			"DISCOVER with a client identifier, REQUEST without it"},
		{cat(step(dhcpfuzz.ExDiscoverWithOption, 5, 60), []byte{9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't'}, step(dhcpfuzz.ExSelect, 5, 0)),
			"PXE DISCOVER via vendor class"},
		{exhaust, "ten clients against an eight-address pool"},
	}
}

// client6Seeds returns rogue-server conversations for the Client6 target:
// the reply to the rapid-commit SOLICIT and, after an ADVERTISE, to the
// REQUEST, framed as records. The target copies the client's transaction id
// into each.
func client6Seeds() ([]seed, error) {
	sol, err := dhcpv6.NewSolicit(clientMAC, func(d dhcpv6.DHCPv6) {
		d.(*dhcpv6.Message).TransactionID = xid6
		d.UpdateOption(dhcpv6.OptClientID(clientLLT))
	}, dhcpv6.WithRapidCommit)
	if err != nil {
		return nil, err
	}
	ia := dhcpv6.WithIANA(dhcpv6.OptIAAddress{IPv6Addr: addr6, PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour})
	reply, err := dhcpv6.NewReplyFromMessage(sol, dhcpv6.WithServerID(serverLL), ia, dhcpv6.WithDNS(net.ParseIP("2001:db8::53")))
	if err != nil {
		return nil, err
	}
	sol.MessageType = dhcpv6.MessageTypeSolicit
	adv, err := dhcpv6.NewAdvertiseFromSolicit(sol, dhcpv6.WithServerID(serverLL), ia,
		dhcpv6.WithIAPD(iaid, &dhcpv6.OptIAPrefix{PreferredLifetime: time.Hour, ValidLifetime: time.Hour, Prefix: mustCIDR6("2001:db8:ff00::/56")}))
	if err != nil {
		return nil, err
	}
	bare, err := dhcpv6.NewAdvertiseFromSolicit(sol, dhcpv6.WithServerID(serverLL))
	if err != nil {
		return nil, err
	}
	nb, err := dhcpv6.NewReplyFromMessage(sol, dhcpv6.WithServerID(serverLL), ia,
		dhcpv6.WithOption(dhcpv6.OptBootFileURL("http://[2001:db8::1]/ipxe.efi")), dhcpv6.WithDomainSearchList("example.net"))
	if err != nil {
		return nil, err
	}
	return []seed{
		{dhcpfuzz.EncodeRecords(reply.ToBytes()), "REPLY to the rapid-commit SOLICIT"},
		{dhcpfuzz.EncodeRecords(adv.ToBytes(), reply.ToBytes()), "ADVERTISE with IA_NA and IA_PD, then REPLY to the REQUEST"},
		{dhcpfuzz.EncodeRecords(bare.ToBytes()), "ADVERTISE without IA_NA (the client cannot build a REQUEST)"},
		{dhcpfuzz.EncodeRecords(nb.ToBytes()), "netboot REPLY with boot file URL and search list"},
		{dhcpfuzz.EncodeRecords(nil, adv.ToBytes(), nil, reply.ToBytes()), "silent at the SOLICIT and the REQUEST: ADVERTISE and REPLY to the retransmissions"},
		{dhcpfuzz.EncodeRecords(adv.ToBytes(), reply.ToBytes(), nil), "ADVERTISE and REPLY with timers running"},
	}, nil
}
