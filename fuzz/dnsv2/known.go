package dnsv2fuzz

import (
	"encoding/base32"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"

	"codeberg.org/miekg/dns"
	"codeberg.org/miekg/dns/deleg"
	"codeberg.org/miekg/dns/svcb"

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
	id: "fuzz-dnsv2.FuzzV2Wire/9c758335021b", // findings/miekg-dns-v2-ede-extratext
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
}, {
	id: "fuzz-dnsv2.FuzzV2Structured/0720e5fc8739", // findings/miekg-dns-v2-padding-pack
	summary: "PADDING.pack writes nothing and PADDING.Len counts hex digits: the option " +
		"goes out with a length of twice the padding octets and content of whatever " +
		"the pack buffer held (a reused Msg.Data or pooled server buffer: the previous " +
		"message's bytes); PADDING.unpack reads nothing, so every padding unpacks empty",
	strip: func(m *dns.Msg) bool {
		n := len(m.Pseudo)
		m.Pseudo = slices.DeleteFunc(m.Pseudo, func(rr dns.RR) bool { _, ok := rr.(*dns.PADDING); return ok })
		return len(m.Pseudo) != n
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Structured/78aecbf56fb1",
	summary: "deleg SERVERNAME.unpack and INCLUDEDELEGI.unpack read one name (an if " +
		"where SERVERIPV4/SERVERIPV6 loop with for): a DELEG or DELEGI record with " +
		"server-name=\"ns1,ns2\" or two include-delegi domains unpacks with the first " +
		"only. Same code: their Len counts the root name \".\" as 2 octets, Pack writes " +
		"1 under a length of 2, and the record does not unpack (\"overflow data\")",
	strip: func(m *dns.Msg) bool {
		found := false
		root := func(rr dns.RR) bool {
			var infos []deleg.Info
			switch r := rr.(type) {
			case *dns.DELEG:
				infos = r.Value
			case *dns.DELEGI:
				infos = r.Value
			}
			for _, i := range infos {
				switch v := i.(type) {
				case *deleg.SERVERNAME:
					if slices.Contains(v.Hostnames, ".") {
						found = true
						return true
					}
					if len(v.Hostnames) > 1 {
						v.Hostnames, found = v.Hostnames[:1], true
					}
				case *deleg.INCLUDEDELEGI:
					if slices.Contains(v.Domains, ".") {
						found = true
						return true
					}
					if len(v.Domains) > 1 {
						v.Domains, found = v.Domains[:1], true
					}
				}
			}
			return false
		}
		m.Answer = slices.DeleteFunc(m.Answer, root)
		m.Ns = slices.DeleteFunc(m.Ns, root)
		m.Extra = slices.DeleteFunc(m.Extra, root)
		return found
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Structured/e61dbfd9eae3", // findings/miekg-dns-v2-reporting-length
	summary: "REPORTING.Len is tlv + len(AgentDomain), the text's length, one short of " +
		"the name on the wire (the root label), and packOPT writes Len()-4 as the option " +
		"length whatever the option packed: every REPORTING option (RFC 9567) v2 packs " +
		"ends one octet early and the message does not unpack (\"overflow: REPORTING " +
		"agent domain\")",
	strip: func(m *dns.Msg) bool {
		n := len(m.Pseudo)
		m.Pseudo = slices.DeleteFunc(m.Pseudo, func(rr dns.RR) bool { _, ok := rr.(*dns.REPORTING); return ok })
		return len(m.Pseudo) != n
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Structured/1f27af90352b", // findings/miekg-dns-v2-name-over-255 (first stored as 8c706fd1b41f, whose message quoted the name)
	summary: "pack.Name checks each label's length but not the name's: Pack writes a " +
		"name of more than 255 octets (RFC 1035 2.3.4), which Unpack then rejects " +
		"(\"name exceeded max wire-format octets\"), so the whole message is lost",
	strip: func(m *dns.Msg) bool {
		found := false
		for _, q := range m.Question {
			if wireNameLen(q.Header().Name) > 255 {
				q.Header().Name, found = "example.org.", true
			}
		}
		long := func(rr dns.RR) bool {
			l := wireNameLen(rr.Header().Name) > 255
			walkStrings(reflect.ValueOf(rr), func(tag, v string) {
				l = l || strings.Contains(tag, "domain-name") && wireNameLen(v) > 255
			})
			found = found || l
			return l
		}
		m.Answer = slices.DeleteFunc(m.Answer, long)
		m.Ns = slices.DeleteFunc(m.Ns, long)
		m.Extra = slices.DeleteFunc(m.Extra, long)
		return found
	},
}}

// stripKnown removes the triggers of every known bug from m, unless
// harness.Strict, and reports whether it found any.
func stripKnown(m *dns.Msg) bool {
	if strict() {
		return false
	}
	found := false
	for _, k := range knownBugs {
		found = k.strip(m) || found
	}
	return found
}

// strict is harness.Strict; oracle tests turn it on to see the known bugs
// reported.
var strict = harness.Strict

// knownTextBug is a v2 defect that one record shows on its own, out of
// a zone file: its String form does not parse again, or (wire) it does
// not survive Pack and Unpack in a message. Zone's text oracles (or, for
// wire, its wire round trip) skip a record it matches, unless
// harness.Strict.
type knownTextBug struct {
	id      string // the crash store entry: crashers/<target>/<signature>
	summary string
	wire    bool
	match   func(rr dns.RR) bool
}

// knownTextBugs of codeberg.org/miekg/dns v0.6.0.
var knownTextBugs = []knownTextBug{{
	id: "fuzz-dnsv2.FuzzV2Zone/448e46668e80", // findings/miekg-dns-v2-nsec3-parse-encoded
	summary: "the NSEC3 parser accepts a Next Hashed Owner Name that is not whole octets " +
		"of base32hex (29 digits) and sets HashLength to a length the digits do not " +
		"decode to; Pack writes that HashLength and fewer hash octets, so the type " +
		"bitmap is read from the wrong offset and the record does not unpack",
	wire: true,
	match: func(rr dns.RR) bool {
		n, ok := rr.(*dns.NSEC3)
		if !ok {
			return false
		}
		b, err := base32.HexEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(n.NextDomain))
		return err != nil || len(b) != int(n.HashLength)
	},
}, {
	id: "fuzz-dns.FuzzDifferential/8fe1cfea1d16", // findings/miekg-dns-v2-unknown-type
	summary: "a record of a type v2 has no struct for (RFC 3597: private types, APL, " +
		"IPSECKEY, ...) is unpacked as an RFC3597 with RRType 0 (unpackRRWithHeader " +
		"never sets it), so it prints and packs again as TYPE0 (fuzz/dns's V2K3)",
	wire:  true,
	match: func(rr dns.RR) bool { _, ok := rr.(*dns.RFC3597); return ok },
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/eddff09097fa", // findings/miekg-dns-v2-rfc3597-string
	summary: "RFC3597.String leaves out the \\# token of RFC 3597 5 (\"TYPE65280 3 abcdef\"), " +
		"and prints the class as CLASS1 instead of IN: New rejects it",
	match: func(rr dns.RR) bool { _, ok := rr.(*dns.RFC3597); return ok },
}, {
	// Same signature as ClassANY's ("unknown RR type"): triage filed
	// this reproducer as its duplicate.
	id: "fuzz-dnsv2.FuzzV2Zone/871d77b7b151", // findings/miekg-dns-v2-string-type0
	summary: "the String methods of EUI48, EUI64, NXNAME, RESINFO, AXFR, IXFR, ANY (and " +
		"NULL's comment) print the header without its type, as Header.String does: " +
		"\"IN TYPE0\" followed by the rdata with no blank (\"IN TYPE000-00-5e-00-53-2a\"), " +
		"which New rejects",
	match: func(rr dns.RR) bool {
		switch rr.(type) {
		case *dns.EUI48, *dns.EUI64, *dns.NXNAME, *dns.RESINFO, *dns.AXFR, *dns.IXFR, *dns.ANY:
			return true
		}
		return false
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/9411d4c15087", // findings/miekg-dns-v2-svcb-mandatory-unknown
	summary: "the SVCB/HTTPS mandatory= parser turns a key name it does not know " +
		"(\"mandatory=foo\") into key 65535, RFC 9460 14.3.3's reserved invalid key, " +
		"instead of rejecting it, and String prints that key as nothing (mandatory=\"\")",
	match: func(rr dns.RR) bool {
		var pairs []svcb.Pair
		switch r := rr.(type) {
		case *dns.SVCB:
			pairs = r.Value
		case *dns.HTTPS:
			pairs = r.Value
		}
		for _, p := range pairs {
			if m, ok := p.(*svcb.MANDATORY); ok && slices.Contains(m.Key, 0xffff) {
				return true
			}
		}
		return false
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/256af7d4ebd0", // findings/miekg-dns-v2-octet-escapes
	summary: "URI.Target and CAA.Value (dns:\"octet\"): the parser keeps a \\DDD escape as " +
		"its four characters, which Pack writes verbatim, while String prints the bytes " +
		"escaped (\\001 for 0x01) and decodes nothing: \"www\\065example\" packs as " +
		"5c 30 36 35 but prints as \"wwwAexample\", and a 0x01 byte prints as \\001, which " +
		"reparses as four characters",
	match: func(rr dns.RR) bool {
		var v string
		switch r := rr.(type) {
		case *dns.URI:
			v = r.Target
		case *dns.CAA:
			v = r.Value
		default:
			return false
		}
		return strings.ContainsFunc(v, func(c rune) bool { return c == '\\' || c < ' ' || c > '~' })
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/06b21a56dc75",
	summary: "the zone parser checks label lengths (RFC 1035 2.3.4: 63 octets) only in " +
		"absolute names: a relative owner or rdata name with a 70-octet label is " +
		"accepted with the origin appended, String prints it, New rejects the text " +
		"(\"bad NS Ns\") and Pack refuses the record",
	match: func(rr dns.RR) bool {
		found := longLabel(rr.Header().Name)
		walkStrings(reflect.ValueOf(rr), func(tag, v string) {
			found = found || strings.Contains(tag, "domain-name") && longLabel(v)
		})
		return found
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/f3490a3a5904", // findings/miekg-dns-v2-nsec3-parse-encoded
	summary: "the NSEC3 and NSEC3PARAM parsers take any token as the salt, hex or not " +
		"(\"FCFB59C6E87EFFC3M\\xb1\\\"\"), and String prints it raw: a quote or blank in it " +
		"breaks the text, which New then rejects",
	match: badSalt,
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/978a93d36101", // findings/miekg-dns-v2-hinfo-long-string
	summary: "the HINFO parser accepts a CPU or OS string over 255 octets (RFC 1035 " +
		"3.3.2: each is a <character-string>, at most 255), String prints it whole, " +
		"and New splits the reparsed text differently (a blank appears in the OS string)",
	match: func(rr dns.RR) bool {
		h, ok := rr.(*dns.HINFO)
		return ok && (len(h.Cpu) > 255 || len(h.Os) > 255)
	},
}, {
	id: "fuzz-dnsv2.FuzzV2Zone/871d77b7b151", // findings/miekg-dns-v2-class-any
	summary: "a record of class 255 prints its class as ANY, which the parser reads as " +
		"the type ANY (\"example.org. 3600 ANY A 192.0.2.9\": unknown RR type \"A\"); " +
		"CLASS255 would parse",
	match: func(rr dns.RR) bool { return rr.Header().Class == dns.ClassANY },
}}

// knownText reports whether a known text bug explains a text oracle's
// violation on rr, or with wire a wire oracle's (never under
// harness.Strict).
func knownText(rr dns.RR, wire bool) bool {
	if strict() {
		return false
	}
	for _, k := range knownTextBugs {
		if k.wire == wire && k.match(rr) {
			return true
		}
	}
	return false
}

// knownCompareID is the crash store entry of a v2 defect of Compare and
// Equal: comparename packs both names into buffers from a pool and ignores
// pack.Name's error, so for a name it refuses (a label over 63 octets, a
// leading dot: what the zone parser and Unpack can yield) it compares the
// whole buffers, whatever earlier calls left in them. Two identical
// records compare -1 or +1 in turn. The Equal and Compare oracles run only
// on records Pack accepts (every name packable), unless harness.Strict.
const knownCompareID = "no crash store entry: replays depend on what earlier calls left in the pool (fuzz-time sightings replayed as fixed); shown by a standalone program, see the report of fuzz/dnsv2"

// comparable reports whether the Equal and Compare oracles apply to rr:
// not an EDNS0 option, and (see knownCompareID) packable with names
// pack.Name accepts.
func comparable(rr dns.RR) bool {
	return !isPseudo(rr) && (strict() || packAlone(rr) != nil && plainNames(rr))
}

// plainNames reports whether every name of rr (owner and dns:"domain-name"
// fields) is one pack.Name writes: no empty label but the root, labels of
// at most 63 octets, at most 255 in all. Pack does not always get to see
// them alone (a compressed suffix hides the bad label: Pack accepted a
// DNAME target ".ew.example.net." whose Compare then read stale buffers).
func plainNames(rr dns.RR) bool {
	ok := plainName(rr.Header().Name)
	walkStrings(reflect.ValueOf(rr), func(tag, v string) {
		ok = ok && (!strings.Contains(tag, "domain-name") || plainName(v))
	})
	return ok
}

func plainName(name string) bool {
	if name == "." {
		return true
	}
	if longLabel(name) || wireNameLen(name) > 255 {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	return !slices.Contains(labels, "")
}

// longLabel reports whether name has a label over 63 octets or is over
// 255 octets in all (RFC 1035 2.3.4).
func longLabel(name string) bool {
	if len(name) > 255 {
		return true
	}
	for l := range strings.SplitSeq(name, ".") {
		if len(l) > 63 {
			return true
		}
	}
	return false
}

// badSalt reports whether rr is an NSEC3 or NSEC3PARAM whose salt is not
// hex (RFC 5155 3.3: hex digits, or "-" for none).
func badSalt(rr dns.RR) bool {
	var salt string
	switch r := rr.(type) {
	case *dns.NSEC3:
		salt = r.Salt
	case *dns.NSEC3PARAM:
		salt = r.Salt
	default:
		return false
	}
	_, err := hex.DecodeString(salt)
	return salt != "-" && err != nil
}

// knownDSOLen is the crash store entry of a v2 defect of the DSO records:
// their Len (zdsolen.go) is the data alone, while the DSO interface says
// "the length of the octets for the entire option, which is four (2 octets
// for the type, and 2 octets for the length) plus the encoded length". A
// Len exactly 4 short is tolerated unless harness.Strict.
const knownDSOLenID = "fuzz-dnsv2.FuzzV2Structured/0bd2c73df64c" // findings/miekg-dns-v2-dso-len-tlv

func knownDSOLen(got, want int) bool { return !strict() && got == want-4 }

// wireNameLen is the octets a fully qualified name takes on the wire,
// uncompressed.
func wireNameLen(name string) int {
	if name == "." || name == "" {
		return 1
	}
	return len(name) + 1
}

// knownTSIGSignOPTID is the crash store entry of a v2 defect of TSIGSign
// (and TSIGVerify): they find the TSIG by counting Answer, Ns, Extra and
// the pseudo section's TSIG/SIG, not the OPT record Pack writes before
// the TSIG, so TSIGSign cuts the message at the OPT, MACs it without the
// OPT, and appends the TSIG there: every message it signs loses its EDNS
// (UDP size, DO bit, options). Server's signing modes tolerate it unless
// harness.Strict.
const knownTSIGSignOPTID = "fuzz-dnsv2.FuzzV2Server/223d35cfb398" // was 35e59e2f3193, whose message held this id (now its duplicate)

// nameTooLong is the start of v2's unpack error for a name over 255 octets,
// which goes on with the name's raw bytes so far
// (internal/unpack/unpack.go).
const nameTooLong = "name exceeded max wire-format octets:"

// stableErr is err's text as an oracle message quotes it on the line the
// crash signature is taken from: v2 errors that append input bytes
// (nameTooLong) are cut there, so one bug is one signature instead of one
// per input (a fuzzing run stored 17 entries of 8c706fd1b41f's bug that
// way). The message's following lines still show the message.
func stableErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, nameTooLong); i >= 0 {
		return s[:i+len(nameTooLong)-1] + " (name elided)"
	}
	return s
}
