package ntpnsfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzResponderNS(f *testing.F) {
	harness.Seed(f, "ntp")
	if err := Prepare(); err != nil {
		f.Fatalf("%v", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ResponderNS) })
}
