// Command repro shows that codeberg.org/miekg/dns (miekg/dns version 2)
// reads an RRSIG's (or SIG's) expiration or inception in YYYYMMDDHHmmSS
// form after 2106-02-07 06:28:15 UTC, and the last two seconds before it,
// wrongly: dnsutil.StringToTime subtracts multiples of 2^31-1 where RFC
// 4034 3.1.5 makes the field the seconds since the epoch modulo 2^32.
// 21060207062815 (4294967295, a valid 32-bit time) becomes 2147483648;
// 21070101000000 is 2^31+1 seconds off; 26120227091652 8 seconds.
//
// It exits 1 when any time below is read as another value than the
// seconds since the epoch modulo 2^32, 0 when all are right.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"codeberg.org/miekg/dns"
)

func main() {
	present := false
	for _, ts := range []string{"20380119031408", "21060207062815", "21070101000000", "26120227091652"} {
		text := "a.example. 60 IN RRSIG A 13 2 60 " + ts + " 20261129091652 48148 example. AAAA\n"
		zp := dns.NewZoneParser(strings.NewReader(text), "example.", "")
		rr, ok := zp.Next()
		if !ok {
			fmt.Printf("setup: %q: %v\n", strings.TrimSpace(text), zp.Err())
			os.Exit(2)
		}
		t, err := time.Parse("20060102150405", ts)
		if err != nil {
			fmt.Println("setup:", err)
			os.Exit(2)
		}
		want := uint32(t.Unix())
		if got := rr.(*dns.RRSIG).Expiration; got != want {
			present = true
			fmt.Printf("present: expiration %s read as %d, want %d (seconds since the epoch modulo 2^32)\n", ts, got, want)
			continue
		}
		fmt.Printf("absent: expiration %s read as %d\n", ts, want)
	}
	if present {
		os.Exit(1)
	}
}
