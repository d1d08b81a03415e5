package dnsv2fuzz

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"codeberg.org/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Wire unpacks data as a DNS message with miekg/dns v2 and checks:
//
//   - invariant at "<section>[i].<Type>.Clone": every record's Clone is a
//     deep copy, Equal to it and Comparing 0 with it;
//   - invariant at "<section>.Compare": Compare is antisymmetric over the
//     records of a section (RRset sorting and DNSSEC canonical order rely
//     on it);
//   - roundtrip: Pack of the message unpacks to a message equal to the
//     first in normal form (see normalMsg);
//   - roundtrip at "Pack": packing that second message gives the same
//     bytes, so the wire form is a fixpoint;
//   - invariant at "Len": Msg.Len, which Pack uses to size its buffer and
//     servers to decide truncation, is not less than what Pack wrote;
//   - invariant at "Pack.<field>": Pack leaves the message it packs as it
//     was (a server packs a reply it may still log or cache).
//
// Every on-demand accessor (String of the message, its header and each
// record, EDNS0 options, SVCB and DELEG values, DNSKEY key tags and DS
// digests) runs on the unpacked message first, see touchMsg.
func Wire(data []byte) error {
	m1 := &dns.Msg{Data: bytes.Clone(data)}
	if err := m1.Unpack(); err != nil {
		return nil
	}
	touchMsg(m1)
	if reason := unrepresentable(data, m1); reason != "" {
		return nil
	}
	stripEmptyRdata(m1)
	stripKnown(m1)
	packed, err := roundTrip(m1)
	if err != nil || !packed && !strict() {
		return err
	}
	// Only for a message Pack accepts, unless strict: see knownCompareID.
	return checkRecords(m1)
}

// roundTrip packs m1 into a fresh buffer and checks the round trip, the
// Pack fixpoint and the Len bound. It reports whether Pack accepted m1.
func roundTrip(m1 *dns.Msg) (bool, error) {
	n1 := normalMsg(cloneMsg(m1))
	m1.Data = nil
	if err := pack(m1); err != nil {
		// Unpack accepts some messages Pack refuses (a field out of
		// range for its presentation form). A refusal emits nothing,
		// so nothing can be wrong with it.
		return false, nil
	}
	w1 := m1.Data
	if path, detail, ok := harness.FirstDiff("Msg", n1, normalMsg(m1)); !ok {
		return true, harness.Violated("invariant", "Pack."+path, "Pack changed the message it packed: %s", detail)
	}
	if n := msgLen(m1); n < len(w1) {
		return true, harness.Violated("invariant", "Len", "Msg.Len() = %d under-estimates the %d bytes Pack wrote", n, len(w1))
	}
	m2 := &dns.Msg{Data: bytes.Clone(w1)}
	if err := m2.Unpack(); err != nil {
		return true, harness.Violated("roundtrip", "Unpack", "packed message does not unpack: %v\nfirst: %s", stableErr(err), m1)
	}
	if path, detail, ok := harness.FirstDiff("Msg", n1, normalMsg(m2)); !ok {
		return true, harness.Violated("roundtrip", path, "%s\nfirst: %s\nsecond: %s", detail, m1, m2)
	}
	m2.Data = nil
	if err := pack(m2); err != nil {
		return true, harness.Violated("roundtrip", "Pack", "second Pack fails: %v", err)
	}
	if !bytes.Equal(w1, m2.Data) {
		return true, harness.Violated("roundtrip", "Pack", "Pack is not a fixpoint:\n%x\n%x", w1, m2.Data)
	}
	return true, nil
}

// unrepresentable says why the message on the wire (data, unpacked as m)
// has no exact form in v2's Msg, so no round trip can keep it, or "" when
// it has one. Each is RFC-sanctioned or documented:
//
//   - more than one OPT record: RFC 6891 6.1.1 makes it FORMERR; v2 adds
//     every OPT's extended RCODE and keeps the last one's options;
//   - a SIG(0) and a TSIG both at the end: RFC 8945 5.1 and RFC 2931 3.1
//     each require their record to be the last one; v2 lifts both into the
//     pseudo section (TSIG first) and packs them in that order, so the
//     pair comes back swapped and only the SIG is lifted the second time.
func unrepresentable(data []byte, m *dns.Msg) string {
	arcount := int(binary.BigEndian.Uint16(data[10:12]))
	lifted := 0
	for _, rr := range m.Pseudo {
		switch rr.(type) {
		case *dns.TSIG, *dns.SIG:
			lifted++
		}
	}
	if opts := arcount - len(m.Extra) - lifted; opts > 1 {
		return fmt.Sprintf("%d OPT records", opts)
	}
	if lifted > 1 {
		return "both a TSIG and a SIG(0) at the end"
	}
	return ""
}

// pack and msgLen are the implementations under test; oracle tests replace
// them with deliberately wrong ones to prove the oracles fire.
var (
	pack   = (*dns.Msg).Pack
	msgLen = (*dns.Msg).Len
)
