// Command repro shows that github.com/miekg/dns's zone parser takes an
// unterminated quoted string after a NAPTR's regexp as the replacement
// name, newlines included, and that NAPTR.String prints that name without
// escaping it: the text form of the record is several lines, so it does not
// reparse as the same record, and written to a zone file it adds records.
//
// It exits 1 when NewRR accepts either input below and the record's String
// does not reparse to exactly one record with the same String, 0 otherwise.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/miekg/dns"
)

var inputs = []struct{ name, text string }{
	{
		// The fuzzer's input (fuzz/dns:FuzzRR): no owner, and the third
		// quoted string's closing quote opens a fourth that never ends.
		name: "fuzzer input",
		text: " NAPTR 0 0 \"\"\x00\"\"\x00\"\"\"\x00",
	},
	{
		// What an application might accept as one record (say, from a web
		// form) and store with String in a zone file.
		name: "one record from a user",
		text: "svc.example.org. 3600 IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a@example.org!\"\"x.example.org.\nevil.example.org. 3600 IN A 192.0.2.66 ;",
	},
}

func main() {
	present := false
	for _, in := range inputs {
		rr, err := dns.NewRR(in.text)
		if err != nil {
			fmt.Printf("absent: %s: rejected: %v\n", in.name, err)
			continue
		}
		s := rr.String()
		var got []string
		zp := dns.NewZoneParser(strings.NewReader(s+"\n"), "", "")
		for r, ok := zp.Next(); ok; r, ok = zp.Next() {
			got = append(got, r.String())
		}
		if len(got) == 1 && got[0] == s && zp.Err() == nil {
			fmt.Printf("absent: %s: accepted as %q, which reparses as itself\n", in.name, s)
			continue
		}
		present = true
		fmt.Printf("present: %s: accepted with Replacement %q; String is %q, read back as %d record(s) %q (error: %v)\n",
			in.name, rr.(*dns.NAPTR).Replacement, s, len(got), got, zp.Err())
	}
	if present {
		os.Exit(1)
	}
}
