package signature

import (
	"fmt"
	"strings"
)

// FromPanic computes the crash of a value recovered in-process and the stack
// of the goroutine that recovered it (debug.Stack() called in the deferred
// function still holds the panicking frames). It gives the same signature
// as Parse gives for the output of the same panic left to crash the test.
func FromPanic(v any, stack []byte) Crash {
	return FromPanicText(PanicMessage(v), stack)
}

// FromPanicText is FromPanic for a panic value already rendered by
// PanicMessage (by code that cannot import this package, such as the
// wrapper internal/coverage generates).
func FromPanicText(msg string, stack []byte) Crash {
	return fromTrace(KindPanic, msg, strings.Split(string(stack), "\n"))
}

// PanicMessage renders a panic value the way the runtime prints it after
// "panic: ": an error's Error(), a Stringer's String(), a string as is, and
// other values by their Go syntax (addresses are normalised away later).
func PanicMessage(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, complex64, complex128:
		return fmt.Sprint(v)
	default:
		return fmt.Sprintf("(%T) %p", v, &v)
	}
}
