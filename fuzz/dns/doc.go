// Package dnsfuzz holds daemonfuzz's fuzz targets for github.com/miekg/dns,
// the DNS library under CoreDNS and many Go daemons.
//
// Each target is a plain exported function taking the fuzz input and
// returning a *harness.Violation when one of its oracles fails; a panic is
// left to propagate. fuzz_test.go wraps each in a FuzzXxx that only seeds
// (corpus/<format>/) and calls:
//
//	Wire          Msg.Unpack -> Pack -> Unpack round trip, Pack fixpoint, Len bound (dns-wire)
//	RR, Zone      NewRR and ZoneParser ($INCLUDE confined to an in-memory FS), String/NewRR stability, wire round trip (dns-zone)
//	Structured    go-fuzz-headers-built messages: 35 RR types, EDNS0, SVCB, bitmaps, TSIG; Pack -> Unpack -> equal (dns-structured)
//	Differential  miekg/dns v1 against v2 (codeberg.org/miekg/dns), x/net dnsmessage and gopacket layers.DNS (dns-wire)
//	TSIG          TsigVerify on fuzzed messages, sign-then-verify, an independent RFC 8945 MAC (dns-wire)
//	DNSSEC        RRSIG.Verify with fuzzed DNSKEY/RRSIG material, sign-then-verify (dns-structured)
//	Names         name decompression (pointer loops) against an independent RFC 1035 decoder (dns-wire)
//	Truncate      Msg.Copy depth and Msg.Truncate invariants (dns-wire)
//	Server        a real dns.Server started once on an in-memory PacketConn, reply invariants (dns-wire)
//	ClientConfig  resolv.conf through ClientConfigFromReader against an independent reader (resolv-conf)
//	ClientExchange Client.Exchange against a scripted malicious server on loopback (dns-exchange)
//	Transfer      Transfer.In against a scripted primary (a model of RFC 5936/1995/8945), Out -> In on loopback (dns-xfr)
//	SIG0          SIG(0) Verify against an independent RFC 2931 check, sign-verify-tamper, UPDATE helpers per RFC 2136 (dns-wire)
//	PrivateKey    BIND private-key files: ReadPrivateKey, PrivateKeyString round trip, an independent reader (dns-privkey)
//	TCPPipeline   queries pipelined on one TCP connection to a loopback dns.Server with a ServeMux, plus its UDP twin (dns-tcp)
//
// Where two representations of one value are tolerated, the normal form
// that erases the difference lists it with its reason (normalMsg,
// normalText, normalOption); the differences from dnsmessage are all in
// divergences.go. Known, reported miekg/dns bugs are in known.go: each is
// suppressed exactly (its trigger removed, the rest still checked) so a
// fuzzing session does not stop at the same old bug.
package dnsfuzz
