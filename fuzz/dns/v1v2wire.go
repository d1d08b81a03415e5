package dnsfuzz

import (
	"fmt"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// compareRdata is the record-by-record part of the v1 against v2 wire
// comparison (compareViews has compared accept/reject, the header, the
// questions, each record's name, type, class and TTL, and EDNS0): each
// record of each section, as each version packs what it decoded, in the
// normal form of v1v2norm.go. A difference a divergence explains
// (explainV2Record, divergences.go) is skipped, and the next record is
// compared.
func compareRdata(data []byte, ref, other *wireView) error {
	for s, name := range []string{"Answer", "Ns", "Extra"} {
		a, b := ref.rdata[s], other.rdata[s]
		if len(a) != len(b) {
			// The sections' lengths were compared; a v2 record the
			// normal form could not hold is the packer's finding.
			return harness.Violated("differential", "len(v2."+name+".Rdata)", "v1 %d records, v2 %d", len(a), len(b))
		}
		for i := range a {
			field := a[i].field(b[i])
			if field == "" || field == "Owner" || field == "Type" {
				// Owner and type are compared in the views (names
				// raw, the type with V2K3's wire fallback).
				continue
			}
			if why := explainV2Record(data, ref, s, i, a[i], b[i]); why != "" {
				continue
			}
			return harness.Violated("differential", fmt.Sprintf("v2.%s[%d].%s.%s", name, i, dns.Type(a[i].typ), field), "\nv1 %s\nv2 %s\nv1 %s (%v)\nv2 %s (%v)",
				a[i].text, b[i].text, a[i].key(), a[i].err, b[i].key(), b[i].err)
		}
	}
	return nil
}
