package c

import "testing"

// FuzzNotInTestFile is ignored: fuzz tests live in _test.go files.
func FuzzNotInTestFile(f *testing.F) {}
