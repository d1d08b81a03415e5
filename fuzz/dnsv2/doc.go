// Package dnsv2fuzz holds daemonfuzz's fuzz targets for miekg/dns version 2
// (codeberg.org/miekg/dns), the successor of github.com/miekg/dns: a new
// wire codec with the EDNS0 options and DSO records as resource records of
// virtual sections, a new zone parser, a new server whose TSIG checking is
// the handler's job.
//
// Each target is a plain exported function taking the fuzz input and
// returning a *harness.Violation when one of its oracles fails; a panic is
// left to propagate. fuzz_test.go wraps each in a FuzzXxx that only seeds
// (corpus/<format>/) and calls:
//
//	Wire        Msg.Unpack -> every accessor -> Pack -> Unpack, Pack fixpoint, Len bound, Clone/Equal/Compare (dns-wire)
//	Server      dns.Server on loopback UDP/TCP (started once) with a nameserver handler: EDNS sizing, truncation, TSIG verify/sign (dns-wire)
//	Structured  go-fuzz-headers builds a Msg through v2's API: every RR type, every EDNS0 option, DSO records, EDNS header bits; Pack -> Unpack -> equal (dns-structured)
//	Zone        ZoneParser ($GENERATE, $INCLUDE from an in-memory FS): String -> New -> String, fields, wire round trip (dns-zone)
//
// Where v2's Msg cannot hold what the wire said, the normal form that
// erases the difference lists it with its reason (normalMsg, normalRR,
// unrepresentable, stripEmptyRdata, escapedName); v2 defects the oracles tolerate are in known.go, each
// reported under harness.Strict like any other finding.
package dnsv2fuzz
