package g

import "testing"

var seeds = []string{"fine", "known panic", "new panic", "known failure", "new failure"}

// FuzzBytes has the shape of every daemonfuzz target.
func FuzzBytes(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Check(t, string(b))
		t.Log("returned")
	})
}

// FuzzTwo has another shape, which the guard wraps by reflection.
func FuzzTwo(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		Check(t, s)
		t.Log("returned")
	})
}

// FuzzRepeat meets each failure three times in one process: the guard
// signs a failure once and must give its repeats the same answer.
func FuzzRepeat(f *testing.F) {
	for range 3 {
		for _, s := range []string{"known panic", "known failure", "new failure"} {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Check(t, string(b))
	})
}
