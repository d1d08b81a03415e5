package dnsfuzz

import (
	"reflect"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// firstDiff is harness.FirstDiff: the first differing field of two values,
// as a selector path ("Answer[0].URI.Target").
var firstDiff = harness.FirstDiff

// rrPath is prefix followed by rr's Go type name ("RR.AMTRELAY"), the path
// firstDiff uses when it meets a record behind an interface.
func rrPath(prefix string, rr any) string {
	t := reflect.TypeOf(rr)
	if t == nil {
		return prefix
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return prefix + "." + t.Name()
}
