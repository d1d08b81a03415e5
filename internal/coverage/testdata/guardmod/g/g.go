// Package g has two planted panics and two planted test failures for the
// guard's test: the test lists one of each as known.
package g

import "testing"

// Check fails on the inputs the guard test plants.
func Check(t *testing.T, s string) {
	switch s {
	case "known panic":
		panic("known panic")
	case "new panic":
		panic("new panic")
	case "known failure":
		t.Fatalf("known failure")
	case "new failure":
		t.Errorf("new failure")
	}
}
