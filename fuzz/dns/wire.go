package dnsfuzz

import (
	"bytes"
	"fmt"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Wire unpacks data as a DNS message and checks, with and without name
// compression:
//
//   - roundtrip: the packed message unpacks to a message equal to the first
//     in normal form (see normalMsg);
//   - roundtrip at "Pack": packing that second message gives the same bytes
//     (Pack(Unpack(Pack(m))) == Pack(m)), so the wire form is a fixpoint;
//   - invariant at "Len": Msg.Len, which servers use to size buffers and
//     decide truncation (Msg.Truncate), is never less than the length Pack
//     produced. Tolerated: Len over-estimating. It sizes base64, base32 and
//     hex rdata (DNSKEY, RRSIG, NSEC3, DHCID, CERT, IPSECKEY) with the
//     decoders' upper bounds and TXT strings by their escaped text, so it
//     is an upper bound by construction; only an under-estimate can make a
//     "fitting" message exceed its buffer.
//
// Known miekg/dns bugs are suppressed exactly (see knownBugs).
//
// Every lazy accessor (EDNS0 options, SVCB values, String) is called on the
// first message, so their parsers run on fuzzed data too.
func Wire(data []byte) error {
	var m1 dns.Msg
	if err := m1.Unpack(data); err != nil {
		return nil
	}
	touchMsg(&m1)
	if err := checkDuplicates(&m1); err != nil {
		return err
	}
	for _, compress := range []bool{false, true} {
		m1.Compress = compress
		if err := unlessKnown(wireRoundTrip(&m1), &m1, fromWire, wireRoundTrip); err != nil {
			return fmt.Errorf("compress=%v: %w", compress, err)
		}
	}
	return nil
}

func wireRoundTrip(m1 *dns.Msg) error {
	w1, err := m1.Pack()
	if err != nil {
		// Unpack accepts some messages Pack refuses (an rdata field out
		// of range for its presentation form, an extended rcode without
		// OPT). A refusal emits nothing, so nothing can be wrong with it.
		return nil
	}
	if err := checkLen(m1.Len(), w1); err != nil {
		return err
	}
	var m2 dns.Msg
	if err := m2.Unpack(w1); err != nil {
		return harness.Violated("roundtrip", "Unpack", "repacked message does not unpack: %v\nfirst: %s", err, m1)
	}
	if err := equalMsg("roundtrip", m1, &m2); err != nil {
		return err
	}
	m2.Compress = m1.Compress
	w2, err := m2.Pack()
	if err != nil {
		return harness.Violated("roundtrip", "Pack", "second Pack fails: %v", err)
	}
	return checkFixpoint(w1, w2)
}

// checkDuplicates is the duplicate invariant: every record is a duplicate
// (dns.IsDuplicate) of its copy (dns.Copy), and dns.Dedup keeps a section
// whose records are pairwise distinct whole. Tolerated: OPT, whose
// isDuplicate is false by design (it is not RRset data).
func checkDuplicates(m *dns.Msg) error {
	for _, sec := range []struct {
		name string
		rrs  []dns.RR
	}{{"Answer", m.Answer}, {"Ns", m.Ns}, {"Extra", m.Extra}} {
		for i, rr := range sec.rrs {
			if rr.Header().Rrtype == dns.TypeOPT {
				continue
			}
			if !isDuplicate(rr, dns.Copy(rr)) {
				return harness.Violated("invariant", rrPath(fmt.Sprintf("Msg.%s[%d]", sec.name, i), rr)+".IsDuplicate", "a record is not a duplicate of its own copy: %s", rr)
			}
		}
		cp := make([]dns.RR, len(sec.rrs))
		for i, rr := range sec.rrs {
			cp[i] = dns.Copy(rr)
		}
		_ = dns.Dedup(cp, nil)
	}
	return nil
}

// isDuplicate is the implementation under test; oracle tests replace it
// with a deliberately wrong one to prove the oracle fires.
var isDuplicate = dns.IsDuplicate

// checkLen is the Len invariant: Msg.Len (n) must not under-estimate the
// packed message.
func checkLen(n int, packed []byte) error {
	if n < len(packed) {
		return harness.Violated("invariant", "Len", "Msg.Len() = %d under-estimates the %d bytes Pack wrote", n, len(packed))
	}
	return nil
}

// checkFixpoint is the Pack fixpoint: repacking the unpacked message
// gives the same bytes.
func checkFixpoint(w1, w2 []byte) error {
	if !bytes.Equal(w1, w2) {
		return harness.Violated("roundtrip", "Pack", "Pack is not a fixpoint:\n%x\n%x", w1, w2)
	}
	return nil
}
