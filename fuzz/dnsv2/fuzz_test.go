package dnsv2fuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzV2Wire(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Wire) })
}

func FuzzV2Zone(f *testing.F) {
	harness.Seed(f, "dns-zone")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Zone) })
}

func FuzzV2Server(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Server) })
}

func FuzzV2Structured(f *testing.F) {
	harness.Seed(f, "dns-structured")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Structured) })
}
