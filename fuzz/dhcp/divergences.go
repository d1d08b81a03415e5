package dhcpfuzz

// Documented divergences between github.com/insomniacslk/dhcp and
// github.com/google/gopacket/layers on the same bytes. The differential
// targets (V4Differential, V6Differential) tolerate exactly these; any
// other disagreement is reported as oracle "differential". Each entry
// names the field it concerns, what each side does, and how it is
// compared. The tolerances that cover a kept library bug (D4.3 here,
// lossyPrefixV6 and encodableLabels) are off under harness.Strict
// (DAEMONFUZZ_NO_SUPPRESS=1, as fuzzrun triage sets it), so their crashers
// reproduce.
//
// DHCPv4 (layers.DHCPv4 vs dhcpv4.DHCPv4):
//
//	D4.1 End option. insomniac requires the End option (255) and rejects
//	     a packet whose options run out without it (io.ErrUnexpectedEOF);
//	     gopacket accepts it. Compared: gopacket-accepts/insomniac-rejects
//	     is tolerated only with that error.
//	D4.2 chaddr. insomniac clamps hlen to 16 (the chaddr field size);
//	     gopacket slices hlen bytes from offset 28, running into sname.
//	     Compared: insomniac's ClientHWAddr with the first min(hlen,16)
//	     bytes of gopacket's.
//	D4.3 gopacket panics (slice bounds) on hlen > 227: it computes
//	     28+HardwareLen in uint8, which wraps (hlen 251 slices [28:23]), and
//	     on 28+hlen beyond the packet. A gopacket bug, kept in
//	     crashers/fuzz-dhcp.FuzzV4Differential/fd2444dcc7e5. Such packets
//	     are not given to gopacket.
//	D4.4 sname/file. insomniac keeps the bytes before the first NUL as a
//	     string; gopacket keeps all 64/128 bytes. Compared: gopacket's
//	     bytes cut at the first NUL.
//	D4.5 Repeated options. insomniac concatenates every instance of a
//	     code (RFC 3396) into one map entry; gopacket lists each instance,
//	     and lists Pad (0) options too. Compared: for each code other than
//	     Pad, the concatenation of gopacket's instances in packet order.
//	D4.6 Hardware type. gopacket's LinkType and insomniac's iana.HWType
//	     are different types over the same byte; compared numerically.
//
// DHCPv6 (layers.DHCPv6 vs dhcpv6.DHCPv6):
//
//	D6.1 Typed options. insomniac parses every option it knows and rejects
//	     the message when one is malformed (for example an IA_NA shorter
//	     than 12 bytes, a DUID-UUID that is not 16 bytes); gopacket only
//	     checks option framing. Compared: insomniac-accepts implies
//	     gopacket-accepts; the converse is not required. gopacket still
//	     decodes every input insomniac rejects (and the relayed messages
//	     in it), so its panics there are found.
//	D6.2 Option values. insomniac re-serialises typed options from their
//	     parsed form; gopacket keeps raw bytes. Compared: code and order of
//	     every option; raw bytes for options insomniac keeps generic and
//	     for those whose typed encoding is canonical (canonicalV6). Not
//	     canonical, for example: the ORO, which insomniac de-duplicates
//	     (a code requested twice is kept once).
//	D6.3 Relay message. insomniac parses OPTION_RELAY_MSG's content as a
//	     nested message; gopacket keeps it raw. Compared: gopacket decodes
//	     the raw content again and the two nested messages are compared
//	     recursively.
