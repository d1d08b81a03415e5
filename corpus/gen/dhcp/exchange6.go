package main

import (
	dhcpfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/dhcp"
)

// exchange6Seeds are scripts for the DHCPv6 stateful exchange target
// (corpus/dhcp-exchange6): [op][client][arg] steps, see dhcpfuzz.Exchange6.
func exchange6Seeds() []seed {
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
		exhaust = append(exhaust, cat(step(dhcpfuzz.ExSolicit6, c, 1), step(dhcpfuzz.ExRequest6, c, 0))...)
	}
	return []seed{
		{cat(step(dhcpfuzz.ExSolicit6, 0, 0), step(dhcpfuzz.ExRequest6, 0, 0), step(dhcpfuzz.ExRenew6, 0, 0), step(dhcpfuzz.ExRebind6, 0, 0), step(dhcpfuzz.ExRelease6, 0, 0)),
			"SOLICIT, ADVERTISE, REQUEST, REPLY, RENEW, REBIND, RELEASE"},
		{cat(step(dhcpfuzz.ExSolicit6, 1, 1), step(dhcpfuzz.ExRequest6, 1, 0), step(dhcpfuzz.ExRenew6, 1, 0)),
			"prefix delegation: IA_NA and IA_PD, REQUEST, RENEW"},
		{cat(step(dhcpfuzz.ExSolicit6, 2, 3), step(dhcpfuzz.ExRenew6, 2, 0), step(dhcpfuzz.ExConfirm6, 2, 0)),
			"rapid commit with prefix delegation, RENEW, CONFIRM"},
		{cat(step(dhcpfuzz.ExSolicit6, 3, 1|2<<2), step(dhcpfuzz.ExRequest6, 3, 0), step(dhcpfuzz.ExRenew6, 3, 0), step(dhcpfuzz.ExRelease6, 3, 0)),
			"through two relays: SOLICIT with IA_PD, REQUEST, RENEW, RELEASE"},
		{cat(step(dhcpfuzz.ExSolicit6, 4, 1<<2), step(dhcpfuzz.ExRequest6, 4, 0), step(dhcpfuzz.ExDecline6, 4, 0), step(dhcpfuzz.ExSolicit6, 4, 0), step(dhcpfuzz.ExRequest6, 4, 0)),
			"through one relay: DECLINE then a new lease"},
		{cat(step(dhcpfuzz.ExInfo6, 5, 0), step(dhcpfuzz.ExSolicit6, 6, 0), step(dhcpfuzz.ExSolicit6, 7, 0), step(dhcpfuzz.ExRequest6, 7, 0), step(dhcpfuzz.ExRequest6, 6, 0)),
			"INFORMATION-REQUEST; two clients interleaved"},
		{exhaust, "ten clients with prefix delegation against an eight-lease pool"},
	}
}
