package dhcpfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/daemonfuzz/daemonfuzz/internal/netns"
)

func FuzzV4Wire(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V4Wire) })
}

func FuzzServer4(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Server4) })
}

func FuzzExchange4(f *testing.F) {
	harness.Seed(f, "dhcp-exchange4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Exchange4) })
}

func FuzzV6Wire(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V6Wire) })
}

func FuzzLabel(f *testing.F) {
	harness.Seed(f, "dhcp-label")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Label) })
}

func FuzzServer6(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Server6) })
}

func FuzzClient4(f *testing.F) {
	harness.Seed(f, "dhcp-client4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Client4) })
}

func FuzzV4Structured(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V4Structured) })
}

func FuzzV6Structured(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V6Structured) })
}

func FuzzV4Differential(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V4Differential) })
}

func FuzzV6Differential(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, V6Differential) })
}

func FuzzRawUDP4(f *testing.F) {
	harness.Seed(f, "dhcp-rawudp4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, RawUDP4) })
}

func FuzzClient6(f *testing.F) {
	harness.Seed(f, "dhcp-client6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Client6) })
}

func FuzzNetbootV4(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NetbootV4) })
}

func FuzzNetbootV6(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NetbootV6) })
}

func FuzzExchange6(f *testing.F) {
	harness.Seed(f, "dhcp-exchange6")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Exchange6) })
}

func FuzzNSServer4(f *testing.F) {
	harness.Seed(f, "dhcpv4")
	netns.Require(f)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NSServer4) })
}

func FuzzNSServer6(f *testing.F) {
	harness.Seed(f, "dhcpv6")
	netns.Require(f)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NSServer6) })
}

func FuzzNSClient4(f *testing.F) {
	harness.Seed(f, "dhcp-client4")
	netns.Require(f)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NSClient4) })
}

func FuzzNSClient6(f *testing.F) {
	harness.Seed(f, "dhcp-client6")
	netns.Require(f)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NSClient6) })
}

func FuzzNSListen(f *testing.F) {
	harness.Seed(f, "dhcp-listen")
	netns.Require(f)
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NSListen) })
}
