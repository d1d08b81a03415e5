package corednsfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzServer(f *testing.F) {
	harness.Seed(f, "coredns-query")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Server) })
}

func FuzzCorefile(f *testing.F) {
	harness.Seed(f, "coredns-corefile")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Corefile) })
}
