package ossfuzz

import (
	"encoding/binary"
	"errors"
	"fmt"

	fuzzheaders "github.com/AdaLogics/go-fuzz-headers"
)

// lenPrefix is the size of the big-endian length that go-fuzz-headers'
// GetBytes reads before the bytes themselves.
const lenPrefix = 4

// EncodeBytes returns the libFuzzer input from which go-118-fuzz-build's
// testing shim decodes exactly p as a fuzz function's single []byte
// argument.
//
// GetBytes reads a uint32 length L, then takes L bytes, except that L == 0
// means 30 and an L different from the number of bytes left, B, is reduced
// to L mod B; B == 0 is an error, and the shim then never calls the target.
// So a non-empty p is encoded as len(p) followed by p (L == B), and the empty
// slice, which no zero length can express, as L = 2 with one filler byte
// (2 mod 1 == 0).
func EncodeBytes(p []byte) []byte {
	if len(p) == 0 {
		return []byte{0, 0, 0, 2, 0}
	}
	out := make([]byte, lenPrefix, lenPrefix+len(p))
	binary.BigEndian.PutUint32(out, uint32(len(p)))
	return append(out, p...)
}

// ErrNotRunnable reports a libFuzzer input from which the shim cannot decode
// a []byte argument: the shim returns without calling the fuzz function, so
// such an input can neither crash a target nor be replayed by Go.
var ErrNotRunnable = errors.New("input never reaches the target under go-118-fuzz-build")

// DecodeBytes returns the []byte argument go-118-fuzz-build's testing shim
// passes to a fuzz function taking a single []byte when libFuzzer runs data.
// It uses the same go-fuzz-headers consumer as the shim, so the two cannot
// disagree. Bytes after the argument are ignored by the shim, and here.
func DecodeBytes(data []byte) ([]byte, error) {
	b, err := fuzzheaders.NewConsumer(data).GetBytes()
	if err != nil {
		return nil, fmt.Errorf("%w (%d bytes; a []byte argument needs a 4-byte length and at least one more byte): %v",
			ErrNotRunnable, len(data), err)
	}
	// GetBytes returns a subslice of data; the caller owns the result.
	return append([]byte{}, b...), nil
}
