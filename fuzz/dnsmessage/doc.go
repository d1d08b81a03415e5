// Package dnsmessagefuzz holds daemonfuzz's fuzz targets for
// golang.org/x/net/dns/dnsmessage, the DNS message parser and builder of
// Go's own resolver (net.Resolver with the pure Go resolver) and of many Go
// tools that parse DNS without miekg/dns.
//
// Each target is a plain exported function taking the fuzz input and
// returning a *harness.Violation when one of its oracles fails; a panic is
// left to propagate. fuzz_test.go wraps each in a FuzzXxx that only seeds
// (corpus/<format>/) and calls:
//
//	Parser      the streaming Parser in the orders resolvers use it (typed bodies, skips, Go's resolver) against Message.Unpack (dns-wire)
//	Builder     parse, rebuild with the Builder's typed methods, compare with Message.Pack and the input, round trip (dns-wire)
//	Structured  go-fuzz-headers drives the Builder: every RR type, fuzzed section order, a model of its state machine (dns-structured)
//
// The one dnsmessage defect the oracles tolerate (rdata of fixed-layout
// types read past RDLENGTH) is in known.go with its reproducer; under
// harness.Strict it is reported like any other finding.
package dnsmessagefuzz
