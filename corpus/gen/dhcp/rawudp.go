package main

import (
	"encoding/binary"
	"net"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// rawUDP4Seeds returns IPv4 frames as the nclient4 raw socket reads them:
// OFFER and ACK datagrams to port 68, with IP options, with Ethernet
// padding past the IPv4 total length, and frames the client must skip
// (other port, TCP, truncated).
func rawUDP4Seeds() ([]seed, error) {
	disc, err := dhcpv4.NewDiscovery(clientMAC, dhcpv4.WithTransactionID(xid4))
	if err != nil {
		return nil, err
	}
	offer, err := dhcpv4.NewReplyFromRequest(disc, dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithYourIP(leaseIP), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(serverIP)))
	if err != nil {
		return nil, err
	}
	p := offer.ToBytes()
	bcast := net.IPv4bcast.To4()
	return []seed{
		{frame(serverIP, bcast, 67, 68, 17, nil, p, 0), "OFFER broadcast to port 68"},
		{frame(serverIP, leaseIP, 67, 68, 17, []byte{1, 1, 1, 0}, p, 0), "OFFER unicast, one word of IP options (IHL 6)"},
		{frame(serverIP, bcast, 67, 68, 17, nil, p, 18), "OFFER with 18 bytes of link padding past the IPv4 total length"},
		{frame(serverIP, bcast, 67, 69, 17, nil, p, 0), "datagram to another port (skipped)"},
		{frame(serverIP, bcast, 67, 68, 6, nil, p, 0), "TCP segment (skipped)"},
		{frame(serverIP, bcast, 67, 68, 17, nil, p, 0)[:40], "frame truncated inside the DHCP payload"},
	}, nil
}

// frame builds an IPv4 header (with options and a correct checksum), a UDP
// header and payload, then pad extra zero bytes.
func frame(src, dst net.IP, sport, dport uint16, proto byte, opts, payload []byte, pad int) []byte {
	ihl := 20 + len(opts)
	total := ihl + 8 + len(payload)
	b := make([]byte, total+pad)
	b[0] = 0x40 | byte(ihl/4)
	binary.BigEndian.PutUint16(b[2:], uint16(total))
	b[8], b[9] = 64, proto
	copy(b[12:16], src.To4())
	copy(b[16:20], dst.To4())
	copy(b[20:ihl], opts)
	var sum uint32
	for i := 0; i < ihl; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(b[10:], ^uint16(sum))
	binary.BigEndian.PutUint16(b[ihl:], sport)
	binary.BigEndian.PutUint16(b[ihl+2:], dport)
	binary.BigEndian.PutUint16(b[ihl+4:], uint16(8+len(payload)))
	copy(b[ihl+8:], payload)
	return b
}
