package parse

import "testing"

func FuzzBug(f *testing.F) {
	f.Add([]byte("BUG"))
	f.Fuzz(func(t *testing.T, b []byte) { Parse(b) })
}

func FuzzHang(f *testing.F) {
	f.Add([]byte("HANG"))
	f.Fuzz(func(t *testing.T, b []byte) { Parse(b) })
}

func FuzzOOM(f *testing.F) {
	f.Add([]byte("OOM"))
	f.Fuzz(func(t *testing.T, b []byte) { Parse(b) })
}

func FuzzClean(f *testing.F) {
	f.Add([]byte("x"))
	f.Fuzz(func(t *testing.T, b []byte) { Parse(b) })
}

// FuzzSkipped skips itself, as a target does when a capability it needs is
// missing.
func FuzzSkipped(f *testing.F) {
	f.Log("needs a capability this machine lacks")
	f.Skip("skipping")
	f.Fuzz(func(t *testing.T, b []byte) { Parse(b) })
}
