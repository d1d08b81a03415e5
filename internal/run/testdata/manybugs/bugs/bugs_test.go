package bugs

import "testing"

func FuzzParse(f *testing.F) {
	f.Add([]byte("0"))
	f.Add([]byte("a")) // a regression seed that still fails: a finding, not a stop
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := Parse(b); err != nil {
			t.Fatalf("Parse: %v", err)
		}
	})
}
