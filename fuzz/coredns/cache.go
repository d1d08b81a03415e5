package corednsfuzz

import (
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/miekg/dns"
)

// checkCache compares two replies to the same query through the cache: when
// the first is an answer (NOERROR or NXDOMAIN), the second (a cache hit, or
// the upstream asked again with the same bytes) carries the same rcode and
// answer records, and no TTL grew.
func checkCache(firstB, secondB []byte) error {
	if secondB == nil {
		return nil
	}
	var first, second dns.Msg
	if first.Unpack(firstB) != nil || second.Unpack(secondB) != nil {
		return nil // checkReply reports unparsable replies
	}
	if first.Truncated || second.Truncated {
		return nil
	}
	// Only answers are compared: a failure (FORMERR, SERVFAIL, ...) is not
	// what the upstream said, and the cache deliberately serves SERVFAIL
	// for a while after the forwarder failed without a reply (servfail TTL).
	if first.Rcode != dns.RcodeSuccess && first.Rcode != dns.RcodeNameError {
		return nil
	}
	if first.Rcode != second.Rcode {
		return harness.Violated("cache", "Rcode", "rcode changed between two identical queries\n%s, then %s", dns.RcodeToString[first.Rcode], dns.RcodeToString[second.Rcode])
	}
	ttl1 := map[string]uint32{}
	for _, rr := range first.Answer {
		k := ttlless(rr)
		if t, ok := ttl1[k]; !ok || rr.Header().Ttl > t {
			ttl1[k] = rr.Header().Ttl
		}
	}
	if len(first.Answer) != len(second.Answer) {
		return harness.Violated("cache", "Answer.Count", "answer count changed between two identical queries\n%d records, then %d\n%v\nthen\n%v", len(first.Answer), len(second.Answer), first.Answer, second.Answer)
	}
	for _, rr := range second.Answer {
		k := ttlless(rr)
		t, ok := ttl1[k]
		tname := dns.TypeToString[rr.Header().Rrtype]
		if !ok {
			return harness.Violated("cache", "Answer."+tname, "second answer has a record the first did not\n%s\nfirst: %v", rr, first.Answer)
		}
		if rr.Header().Ttl > t {
			return harness.Violated("cache", "Ttl."+tname, "TTL grew between two identical queries\nfrom %d to %d: %s", t, rr.Header().Ttl, rr)
		}
	}
	return nil
}

func ttlless(rr dns.RR) string {
	c := dns.Copy(rr)
	c.Header().Ttl = 0
	c.Header().Name = dns.CanonicalName(c.Header().Name)
	return c.String()
}
