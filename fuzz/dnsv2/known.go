package dnsv2fuzz

import (
	"slices"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// knownBug is a v2 defect, shown by a standalone program using v2 alone,
// that a round-trip oracle would otherwise hit on every run, stopping
// fuzzing at the same old bug. Each entry removes exactly the part of a
// message that triggers it before the round trip; the rest is still
// checked. Under harness.Strict (triage's replays) nothing is removed, so
// the stored crasher reproduces and a fix in v2 shows as fixed.
type knownBug struct {
	// id is the crash store entry: crashers/<target>/<signature>.
	id      string
	summary string
	// strip removes the trigger from m and reports whether it found one.
	strip func(m *dns.Msg) bool
}

// knownBugs of codeberg.org/miekg/dns v0.6.0.
var knownBugs = []knownBug{{
	id: "fuzz-dnsv2.FuzzV2Wire/9c758335021b",
	summary: "EDE.pack never writes EXTRA-TEXT: it assigns the rest of the pack buffer " +
		"(zeros) to the option's ExtraText instead, so the option goes out with its " +
		"length but zero bytes for text, and the caller's Msg is changed by Pack",
	// Every EDE triggers it: Pack assigns ExtraText even when it is
	// empty (the rest of the buffer is rarely empty).
	// An OPT record outside the additional section (kept as a record)
	// holds its options, EDE among them.
	strip: func(m *dns.Msg) bool {
		isEDE := func(rr dns.RR) bool { _, ok := rr.(*dns.EDE); return ok }
		n := len(m.Pseudo)
		m.Pseudo = slices.DeleteFunc(m.Pseudo, isEDE)
		found := len(m.Pseudo) != n
		for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
			for _, rr := range sec {
				if opt, ok := rr.(*dns.OPT); ok {
					n := len(opt.Options)
					opt.Options = slices.DeleteFunc(opt.Options, func(o dns.EDNS0) bool { return isEDE(o) })
					found = found || len(opt.Options) != n
				}
			}
		}
		return found
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Wire/e377099d5d44",
	summary: "Msg.Pack writes QDCOUNT = len(Question) but packs only the first question " +
		"(\"We only allow a single question\"), while Unpack reads every question the " +
		"count says: a message of two questions packs into one that does not unpack " +
		"(the first answer is read as the second question)",
	strip: func(m *dns.Msg) bool {
		if len(m.Question) < 2 {
			return false
		}
		m.Question = m.Question[:1]
		return true
	},
}}

// stripKnown removes the triggers of every known bug from m, unless
// harness.Strict.
func stripKnown(m *dns.Msg) {
	if strict() {
		return
	}
	for _, k := range knownBugs {
		k.strip(m)
	}
}

// strict is harness.Strict; oracle tests turn it on to see the known bugs
// reported.
var strict = harness.Strict
