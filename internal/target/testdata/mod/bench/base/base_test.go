package base

import "testing"

// FuzzBaseline stands for a benchmark baseline harness: outside the suite.
func FuzzBaseline(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) {}) }
