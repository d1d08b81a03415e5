package c

import "testing"

func Seed(f *testing.F, format string) {}

func FuzzLocalSeed(f *testing.F) {
	Seed(f, "dhcpv4")
	f.Fuzz(func(t *testing.T, b []byte) {})
}
