package dnsfuzz

import (
	"testing"

	dnsv2 "codeberg.org/miekg/dns"
)

// v2TypeWithoutWireFallback is the type v2 itself gives the first answer.
func v2TypeWithoutWireFallback(t *testing.T, data []byte) uint16 {
	t.Helper()
	m := &dnsv2.Msg{Data: data}
	if err := m.Unpack(); err != nil {
		t.Fatal(err)
	}
	if len(m.Answer) == 0 {
		t.Fatal("no answer")
	}
	return v2Type(m.Answer[0])
}
