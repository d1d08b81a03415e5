package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// goHeader is the first line of a file in Go's fuzzing corpus format, as
// written by `go test -fuzz` under testdata/fuzz/FuzzX/ and its cache.
const goHeader = "go test fuzz v1"

// IsGoFile reports whether data looks like a Go fuzzing corpus file.
func IsGoFile(data []byte) bool {
	return bytes.HasPrefix(data, []byte(goHeader+"\n")) || bytes.Equal(data, []byte(goHeader))
}

// FormatGoFile encodes one []byte fuzz argument in Go's corpus format.
func FormatGoFile(data []byte) []byte {
	return []byte(goHeader + "\n[]byte(" + strconv.Quote(string(data)) + ")\n")
}

// ErrNotBytesCorpus reports a Go corpus file whose arguments are not a single
// []byte, the only shape daemonfuzz targets take.
var ErrNotBytesCorpus = errors.New("not a single []byte argument")

// ParseGoFile decodes a Go corpus file holding one []byte (or string)
// argument, the shape of every daemonfuzz target. Errors say what is wrong
// with the file's text; callers add its path.
func ParseGoFile(data []byte) ([]byte, error) {
	text := strings.TrimRight(string(data), "\n")
	lines := strings.Split(text, "\n")
	if len(lines) == 0 || lines[0] != goHeader {
		return nil, fmt.Errorf("missing %q header", goHeader)
	}
	var args []string
	for _, l := range lines[1:] {
		if l = strings.TrimSpace(l); l != "" {
			args = append(args, l)
		}
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("%w: %d arguments", ErrNotBytesCorpus, len(args))
	}
	arg := args[0]
	var lit string
	switch {
	case strings.HasPrefix(arg, "[]byte(") && strings.HasSuffix(arg, ")"):
		lit = arg[len("[]byte(") : len(arg)-1]
	case strings.HasPrefix(arg, "string(") && strings.HasSuffix(arg, ")"):
		lit = arg[len("string(") : len(arg)-1]
	default:
		return nil, fmt.Errorf("%w: %.40q", ErrNotBytesCorpus, arg)
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		return nil, fmt.Errorf("bad literal %.40q: %w", lit, err)
	}
	return []byte(s), nil
}
