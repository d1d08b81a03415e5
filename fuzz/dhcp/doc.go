// Package dhcpfuzz holds daemonfuzz's fuzz targets for
// github.com/insomniacslk/dhcp, the DHCPv4/DHCPv6 library under u-root,
// CoreDHCP and other Go daemons, and for the daemon code built on it
// (server4, server6, nclient4).
//
// Each target is a plain exported func(data []byte) error returning a
// *harness.Violation when one of its oracles breaks; fuzz_test.go wraps each
// in a FuzzXxx that only seeds and calls. The targets:
//
//   - V4Wire, V6Wire, Label: the decoders, every typed accessor (the library
//     parses most DHCPv4 options only when asked), and a round trip in a
//     documented normal form (normal.go);
//   - V4Structured, V6Structured: go-fuzz-headers builds messages through the
//     library's own constructors and modifiers; serialise, parse, compare;
//   - V4Differential, V6Differential: the same bytes through
//     github.com/google/gopacket/layers; every tolerated divergence is listed
//     in divergences.go;
//   - Server4, Server6: fuzzed packets through the real servers' read loops,
//     answered by a small leasing handler (pool.go);
//   - Client4, Client6: the nclient4 and nclient6 clients talking to a rogue
//     server whose replies are the fuzz input; RawUDP4: nclient4's own IPv4/UDP parsing of the
//     frames its raw socket reads;
//   - Exchange4: one input drives a whole DISCOVER/OFFER/REQUEST/ACK/RENEW/
//     RELEASE conversation between library-built client messages and the real
//     server, with protocol invariants checked at each step.
//   - NSServer4, NSServer6, NSClient4, NSClient6, NSListen: the same daemons
//     and clients on the sockets they open themselves (NewServer on an
//     interface, nclient4's raw packet socket, nclient6's link-local UDP
//     socket, multicast joins, retransmission timers, NewServer's
//     configuration), in network namespaces joined by a veth pair
//     (internal/netns); they skip where namespaces cannot be made.
//
// Long-lived fixtures (the servers and their in-memory sockets) are built
// once per process; a target only resets per-input state.
package dhcpfuzz
