package toy

import "testing"

func FuzzRoot(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }
