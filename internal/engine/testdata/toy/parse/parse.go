// Package parse is a toy parser with planted bugs for the engine's tests.
package parse

import (
	"bytes"
	"strconv"
	"time"
)

// Parse panics on inputs longer than 3 bytes starting with "BUG", loops
// forever on ones starting with "HANG", and allocates without bound on ones
// starting with "OOM" (touching the memory) or "LAZY" (not touching it).
// "BLOCK" blocks forever in a sleeping loop; "MEM<n>" allocates and touches
// n MiB once and returns.
func Parse(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("BLOCK")):
		for {
			time.Sleep(time.Second)
		}
	case bytes.HasPrefix(b, []byte("MEM")):
		n, _ := strconv.Atoi(string(b[3:]))
		return len(bytes.Repeat([]byte{1}, n<<20)) & 1
	case len(b) > 3 && bytes.HasPrefix(b, []byte("BUG")):
		panic("parse: planted bug")
	case len(b) > 4 && bytes.HasPrefix(b, []byte("HANG")):
		for {
		}
	case len(b) > 4 && bytes.HasPrefix(b, []byte("LAZY")):
		var keep [][]byte
		for {
			keep = append(keep, make([]byte, 64<<20))
		}
	case len(b) > 3 && bytes.HasPrefix(b, []byte("OOM")):
		var keep [][]byte
		for {
			keep = append(keep, bytes.Repeat([]byte{1}, 1<<20))
		}
	}
	return bytes.Count(b, []byte("x"))
}
