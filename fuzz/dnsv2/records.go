package dnsv2fuzz

import (
	"fmt"
	"slices"
	"strings"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// maxComparePairs bounds the sections checkRecords compares pairwise: a
// 64 KiB message can hold thousands of records, and millions of Compare
// calls per input would stall the fuzzer.
const maxComparePairs = 64

// checkRecords checks what v2 promises of every record of m on its own,
// whatever the message: Clone is a deep copy that is Equal to and
// Compares 0 with the original; and Compare, the RFC 4034 6 canonical
// order RRset sorting and DNSSEC signing use, is antisymmetric over each
// section. Pseudo-section records (EDNS0 options, TSIG, SIG(0)) take part
// in Clone only: Compare is defined on RRs of the data sections.
func checkRecords(m *dns.Msg) error {
	for _, sec := range sections(m) {
		for i, rr := range sec.rrs {
			if err := checkClone(fmt.Sprintf("Msg.%s[%d]", sec.name, i), rr, sec.name != "Pseudo" && (strict() || plainNames(rr))); err != nil {
				return err
			}
		}
		if sec.name == "Pseudo" || sec.name == "Question" || len(sec.rrs) > maxComparePairs ||
			!strict() && slices.ContainsFunc(sec.rrs, func(rr dns.RR) bool { return !plainNames(rr) }) {
			continue
		}
		for a := range sec.rrs {
			for b := a + 1; b < len(sec.rrs); b++ {
				x, y := sec.rrs[a], sec.rrs[b]
				if ab, ba := compare(x, y), compare(y, x); ab != -ba {
					return harness.Violated("invariant", "Msg."+sec.name+"."+typeName(x)+".Compare",
						"Compare is not antisymmetric: Compare(a, b) = %d, Compare(b, a) = %d\na: %s\nb: %s", ab, ba, x, y)
				}
			}
		}
	}
	return nil
}

// checkClone is checkRecords for one record at path; compared says
// whether Equal and Compare apply to it.
func checkClone(path string, rr dns.RR, compared bool) error {
	c := clone(rr)
	path += "." + typeName(rr)
	if p, detail, ok := harness.FirstDiff(path, rr, c); !ok {
		return harness.Violated("invariant", p+".Clone", "Clone differs: %s", detail)
	}
	if !compared {
		return nil
	}
	if !equal(rr, c) || compare(rr, c) != 0 {
		return harness.Violated("invariant", path+".Equal", "a record is not Equal to its Clone (Compare = %d): %s", compare(rr, c), rr)
	}
	return nil
}

// compare and equal are the implementations under test; oracle tests
// replace them with deliberately wrong ones to prove the oracles fire.
var (
	compare = dns.Compare
	equal   = dns.Equal
	clone   = dns.RR.Clone
)

type section struct {
	name string
	rrs  []dns.RR
}

func sections(m *dns.Msg) []section {
	return []section{{"Question", m.Question}, {"Answer", m.Answer}, {"Ns", m.Ns}, {"Extra", m.Extra}, {"Pseudo", m.Pseudo}}
}

// typeName is rr's Go type name without package and pointer ("MX",
// "RFC3597", "NSID"), the record type as a selector in a violation's Field.
func typeName(rr dns.RR) string {
	s := fmt.Sprintf("%T", rr)
	return s[strings.LastIndexByte(s, '.')+1:]
}
