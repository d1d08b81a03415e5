// Package corpusfile owns Go's fuzzing corpus-file format, the text files
// `go test -fuzz` writes under testdata/fuzz/FuzzXxx/ and its cache:
//
//	go test fuzz v1
//	[]byte("\x00\x01")
//
// It reads (Decode, Check), writes (Encode) and validates them, and moves a
// file that cannot be used into a quarantine directory beside a note saying
// why (Quarantine). Every other package goes through it, so the format is
// parsed in one place. It imports nothing of daemonfuzz but atomicfile, so
// the fuzz targets can link it.
package corpusfile

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// Header is the first line of every corpus file.
const Header = "go test fuzz v1"

// Is reports whether data starts like a corpus file: the header alone on
// its first line. It says nothing about the values; Check and Decode do.
func Is(data []byte) bool {
	return bytes.HasPrefix(data, []byte(Header+"\n")) || bytes.Equal(data, []byte(Header))
}

// Encode writes one []byte fuzz argument as a corpus file, as Go does.
func Encode(data []byte) []byte {
	return []byte(Header + "\n[]byte(" + strconv.Quote(string(data)) + ")\n")
}

// ErrNotBytes reports a corpus file whose arguments are not a single []byte
// (or string), the only shape daemonfuzz targets take.
var ErrNotBytes = errors.New("not a single []byte argument")

// values checks the header and returns the value lines, blank lines
// dropped, with their line numbers.
func values(data []byte) ([]string, []int, error) {
	lines := strings.Split(string(bytes.TrimRight(data, "\n")), "\n")
	if lines[0] != Header {
		return nil, nil, fmt.Errorf("not a Go corpus file: missing %q header", Header)
	}
	var vals []string
	var nums []int
	for i, l := range lines[1:] {
		if l = strings.TrimSpace(l); l != "" {
			vals = append(vals, l)
			nums = append(nums, i+2)
		}
	}
	return vals, nums, nil
}

// Decode reads a corpus file holding one []byte (or string) argument, the
// shape of every daemonfuzz target. Errors say what is wrong with the
// file's text; callers add its path.
func Decode(data []byte) ([]byte, error) {
	vals, _, err := values(data)
	if err != nil {
		return nil, err
	}
	if len(vals) != 1 {
		return nil, fmt.Errorf("%w: %d arguments", ErrNotBytes, len(vals))
	}
	arg := vals[0]
	var lit string
	switch {
	case strings.HasPrefix(arg, "[]byte(") && strings.HasSuffix(arg, ")"):
		lit = arg[len("[]byte(") : len(arg)-1]
	case strings.HasPrefix(arg, "string(") && strings.HasSuffix(arg, ")"):
		lit = arg[len("string(") : len(arg)-1]
	default:
		return nil, fmt.Errorf("%w: %.40q", ErrNotBytes, arg)
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		return nil, fmt.Errorf("bad literal %.40q: %w", lit, err)
	}
	return []byte(s), nil
}

// Check validates data against the syntax Go's engine reads, for a target
// of any argument types: the header, then one value a line, each a
// conversion of a literal such as []byte("...") or int(-3). Go skips a file
// that fails this without a word, so fuzzrun moves it aside instead.
func Check(data []byte) error {
	vals, nums, err := values(data)
	if err != nil {
		return err
	}
	if len(vals) == 0 {
		return errors.New("no values in the Go corpus file")
	}
	for i, v := range vals {
		expr, err := parser.ParseExpr(v)
		if err != nil {
			return fmt.Errorf("line %d: %v", nums[i], err)
		}
		call, ok := expr.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return fmt.Errorf("line %d: want a conversion like []byte(\"...\")", nums[i])
		}
		if !isLiteral(call.Args[0]) {
			return fmt.Errorf("line %d: the value is not a literal", nums[i])
		}
	}
	return nil
}

func isLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.SUB && isLiteral(e.X)
	case *ast.Ident: // true, false, and math constants Go writes for floats
		return true
	case *ast.CallExpr: // math.Float64frombits(0x...) for NaN payloads
		return len(e.Args) == 1 && isLiteral(e.Args[0])
	case *ast.SelectorExpr:
		return true
	}
	return false
}
