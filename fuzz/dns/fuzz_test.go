package dnsfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzWire(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Wire) })
}

func FuzzRR(f *testing.F) {
	harness.Seed(f, "dns-zone")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, RR) })
}

func FuzzZone(f *testing.F) {
	harness.Seed(f, "dns-zone")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Zone) })
}

func FuzzStructured(f *testing.F) {
	harness.Seed(f, "dns-structured")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Structured) })
}

func FuzzTSIG(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, TSIG) })
}

func FuzzDifferential(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Differential) })
}

func FuzzDNSSEC(f *testing.F) {
	harness.Seed(f, "dns-structured")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, DNSSEC) })
}

func FuzzNames(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Names) })
}

func FuzzTruncate(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Truncate) })
}

func FuzzServer(f *testing.F) {
	harness.Seed(f, "dns-wire")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Server) })
}

func FuzzClientConfig(f *testing.F) {
	harness.Seed(f, "resolv-conf")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ClientConfig) })
}

func FuzzClientExchange(f *testing.F) {
	harness.Seed(f, "dns-exchange")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ClientExchange) })
}

func FuzzPrivateKey(f *testing.F) {
	harness.Seed(f, "dns-privkey")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, PrivateKey) })
}

func FuzzSIG0(f *testing.F) {
	harness.Seed(f, "dns-wire", sig0Seeds()...)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, SIG0) })
}

func FuzzTransfer(f *testing.F) {
	harness.Seed(f, "dns-xfr")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Transfer) })
}

func FuzzTCPPipeline(f *testing.F) {
	harness.Seed(f, "dns-tcp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, TCPPipeline) })
}

func FuzzTextDifferential(f *testing.F) {
	harness.Seed(f, "dns-zone")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ZoneDifferential) })
}
