// Package dnsfuzz holds daemonfuzz's fuzz targets for github.com/miekg/dns,
// the DNS library under CoreDNS and many Go daemons.
//
// Each target is a plain exported function returning an error when one of its
// oracles is violated (see internal/harness.Violation); fuzz_test.go wraps
// each in a FuzzXxx that only seeds and calls. Known, deliberate differences
// tolerated by the oracles are listed beside the oracle that tolerates them.
package dnsfuzz
