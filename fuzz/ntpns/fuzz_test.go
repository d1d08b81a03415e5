package ntpnsfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzResponderNS(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ResponderNS) })
}
