// Package baseline holds the harnesses daemonfuzz's DNS suite is measured
// against (see bench/dns/run.sh and BENCHMARKS.md "## DNS"): native Go
// equivalents of the two harnesses OSS-Fuzz runs on github.com/miekg/dns
// today (Fuzz and FuzzNewRR in miekg/dns's fuzz.go, built with go-fuzz and
// no seed corpus), and a naive "Msg.Unpack the bytes" harness. Their
// wrappers in baseline_test.go add no seeds, as upstream adds none.
package baseline

import (
	"strings"

	"github.com/miekg/dns"
)

// OSSFuzz is miekg/dns's Fuzz: Unpack, then Pack. Its go-fuzz return value
// (1 = interesting) has no native-fuzzing meaning and is dropped.
func OSSFuzz(data []byte) {
	msg := new(dns.Msg)
	if err := msg.Unpack(data); err != nil {
		return
	}
	_, _ = msg.Pack()
}

// OSSNewRR is miekg/dns's FuzzNewRR: NewRR on the text, skipping inputs
// that spell $INCLUDE (upstream GH#1025).
func OSSNewRR(data []byte) {
	str := string(data)
	if strings.Contains(strings.ToUpper(str), "$INCLUDE") {
		return
	}
	_, _ = dns.NewRR(str)
}

// NaiveUnpack calls Msg.Unpack and nothing else.
func NaiveUnpack(data []byte) {
	var m dns.Msg
	_ = m.Unpack(data)
}
