package coverage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Block identifies one coverage counter, which in atomic or set mode stands
// for one basic block: the package and function IDs of the binary's
// coverage metadata and the counter's index within the function, packed as
// pkg<<48 | func<<24 | counter. IDs are only comparable between inputs
// measured with the same Binary.
type Block uint64

var errRecord = errors.New("malformed coverage record")

// decodeBlocks reads the wrapper's snapshot payload: little-endian uint64
// block IDs.
func decodeBlocks(data []byte) ([]Block, error) {
	if len(data)%8 != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a list of block IDs", errRecord, len(data))
	}
	out := make([]Block, 0, len(data)/8)
	for ; len(data) > 0; data = data[8:] {
		out = append(out, Block(binary.LittleEndian.Uint64(data)))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
