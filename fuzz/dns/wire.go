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
	touchMsgAccessors(&m1) // checkDuplicates prints every record
	if err := unlessKnown(checkDuplicates(&m1), &m1, fromWire, checkDuplicates); err != nil {
		return err
	}
	var n1 *dns.Msg // m1's normal form, a deep copy: made once for both passes
	for _, compress := range []bool{false, true} {
		m1.Compress = compress
		if err := unlessKnown(roundTripNormal(&m1, &n1), &m1, fromWire, wireRoundTrip); err != nil {
			return fmt.Errorf("compress=%v: %w", compress, err)
		}
	}
	return nil
}

func wireRoundTrip(m1 *dns.Msg) error {
	var n1 *dns.Msg
	return roundTripNormal(m1, &n1)
}

// roundTripNormal is wireRoundTrip keeping m1's normal form in *n1 across
// calls: it is made after m1's first Pack, which writes the extended rcode
// into the OPT record (every later Pack writes the same bits), so it is the
// form a fresh normalMsg(m1) would give after each Pack.
func roundTripNormal(m1 *dns.Msg, n1 **dns.Msg) error {
	w1, err := m1.Pack()
	if err != nil {
		// Unpack accepts some messages Pack refuses (an rdata field out
		// of range for its presentation form, an extended rcode without
		// OPT). A refusal emits nothing, so nothing can be wrong with it.
		return nil
	}
	if *n1 == nil {
		*n1 = normalMsg(m1)
	}
	if err := checkLen(m1.Len(), w1); err != nil {
		return err
	}
	var m2 dns.Msg
	if err := m2.Unpack(w1); err != nil {
		return harness.Violated("roundtrip", "Unpack", "repacked message does not unpack: %v\nfirst: %s", err, m1)
	}
	// Compared as copies in normal form, both made by Msg.Copy: Unpack and
	// Copy pick nil and empty slices differently, and a message left as
	// Unpack made it would fail reflect.DeepEqual and take firstDiff's slow
	// walk every time.
	if path, detail, ok := firstDiff("Msg", *n1, normalMsg(&m2)); !ok {
		return harness.Violated("roundtrip", path, "%s", detail)
	}
	m2.Compress = m1.Compress
	w2, err := m2.Pack()
	if err != nil {
		return harness.Violated("roundtrip", "Pack", "second Pack fails: %v", err)
	}
	return checkFixpoint(w1, w2)
}

// checkDuplicates is the duplicate invariant: every record is a duplicate
// (dns.IsDuplicate) of its copy (dns.Copy), and dns.Dedup of a section's
// copy keeps what its documentation promises (see checkDedup). Tolerated:
// OPT, whose isDuplicate is false by design (it is not RRset data).
//
// dns.Dedup is called here and nowhere deeper: its known panic
// (crashers/fuzz-dns.FuzzWire/6af70778b5f0) is suppressed by a signature
// whose frames end in checkDuplicates.
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
		if len(sec.rrs) == 0 {
			continue
		}
		// Even one record goes through Dedup: it prints every record
		// (normalizedString), where its known panic lives.
		// Dedup reorders its slice and lowers the TTL of a kept record: it
		// gets a slice of its own, and the TTLs are put back after, instead
		// of a deep copy of every record.
		in := append([]dns.RR(nil), sec.rrs...)
		ttls := make([]uint32, len(sec.rrs))
		for i, rr := range sec.rrs {
			ttls[i] = rr.Header().Ttl
		}
		out := dedup(append([]dns.RR(nil), sec.rrs...), nil)
		err := checkDedup("Msg."+sec.name, in, ttls, out)
		for i, rr := range in {
			rr.Header().Ttl = ttls[i]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// maxDedupPairs bounds the sections checkDedup compares pairwise: a 64 KiB
// message can hold thousands of records, and millions of IsDuplicate calls
// per input would stall the fuzzer. Larger sections get the subsequence
// check only (Dedup itself still runs on them).
const maxDedupPairs = 128

// dedup is the implementation under test; oracle tests replace it with a
// deliberately wrong one to prove checkDedup fires.
var dedup = dns.Dedup

// checkDedup is Dedup's documented contract ("removes identical RRs ...
// preserves the original ordering. The lowest TTL of any duplicates is used
// in the remaining one"), with dns.IsDuplicate as what "identical" means:
//   - out is a subsequence of in (the same records, in their order);
//   - no two records of out are duplicates;
//   - every record of in has a duplicate in out;
//   - each kept record carries the lowest original TTL (ttls) of the
//     records of in it is a duplicate of.
//
// OPT records are left out of the last three: IsDuplicate is false for
// every OPT by design.
func checkDedup(path string, in []dns.RR, ttls []uint32, out []dns.RR) error {
	j := 0
	for _, rr := range out {
		for j < len(in) && in[j] != rr {
			j++
		}
		if j == len(in) {
			return harness.Violated("invariant", path+".Dedup", "Dedup returned a record that is not one of its input, or out of order: %s", rr)
		}
		j++
	}
	if len(in) > maxDedupPairs {
		return nil // the pairwise checks are quadratic; see maxDedupPairs
	}
	isOPT := func(rr dns.RR) bool { return rr.Header().Rrtype == dns.TypeOPT }
	for a := range out {
		for b := a + 1; b < len(out); b++ {
			if !isOPT(out[a]) && isDuplicate(out[a], out[b]) {
				return harness.Violated("invariant", rrPath(path, out[a])+".Dedup", "Dedup kept two duplicates: %s and %s", out[a], out[b])
			}
		}
	}
	for i, rr := range in {
		if isOPT(rr) {
			continue
		}
		kept := -1
		for k, o := range out {
			if isDuplicate(rr, o) {
				kept = k
				break
			}
		}
		if kept < 0 {
			return harness.Violated("invariant", rrPath(fmt.Sprintf("%s[%d]", path, i), rr)+".Dedup", "Dedup removed a record with no duplicate left: %s", rr)
		}
		if got := out[kept].Header().Ttl; got > ttls[i] {
			return harness.Violated("invariant", rrPath(fmt.Sprintf("%s[%d]", path, i), rr)+".Dedup.Ttl", "Dedup kept TTL %d, a duplicate had %d: %s", got, ttls[i], rr)
		}
	}
	for _, o := range out {
		if isOPT(o) {
			continue
		}
		lowest := false
		for i, rr := range in {
			lowest = lowest || isDuplicate(rr, o) && ttls[i] == o.Header().Ttl
		}
		if !lowest {
			return harness.Violated("invariant", rrPath(path, o)+".Dedup.Ttl", "Dedup kept TTL %d, which no duplicate had: %s", o.Header().Ttl, o)
		}
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
