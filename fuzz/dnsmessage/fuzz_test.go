package dnsmessagefuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzDNSMessageParser(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Parser) })
}

func FuzzDNSMessageBuilder(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Builder) })
}

func FuzzDNSMessageStructured(f *testing.F) {
	harness.Seed(f, "dns-structured")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Structured) })
}
