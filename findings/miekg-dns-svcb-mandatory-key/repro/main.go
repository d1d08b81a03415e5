// Command repro shows that github.com/miekg/dns's zone parser accepts an
// unknown key name in an SVCB/HTTPS "mandatory" list (while it rejects the
// same name as a key of its own), storing it as the reserved key 65535,
// which prints as nothing and packs as the invalid key 65535.
//
// Exit status 1 and the evidence when NewRR accepts such a list, 0 when it
// rejects it.
package main

import (
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	present := false
	for _, text := range []string{
		`_dns.example.net. 3600 IN SVCB 1 dns.example.net. mandatory=xyz,alpn alpn=h2`,
		`example.net. 3600 IN HTTPS 1 . mandatory=key65535 alpn=h2`,
	} {
		rr, err := dns.NewRR(text)
		if err != nil {
			fmt.Printf("absent: %q rejected: %v\n", text, err)
			continue
		}
		var values []dns.SVCBKeyValue
		switch rr := rr.(type) {
		case *dns.SVCB:
			values = rr.Value
		case *dns.HTTPS:
			values = rr.Value
		}
		var keys []dns.SVCBKey
		for _, kv := range values {
			if m, ok := kv.(*dns.SVCBMandatory); ok {
				keys = m.Code
			}
		}
		fmt.Printf("present: %q accepted; mandatory key codes %d; String: %q\n", text, keys, rr.String())
		present = true
	}
	if present {
		os.Exit(1)
	}
}
