package run

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// Quarantined is a work corpus entry moved aside before fuzzing.
type Quarantined struct {
	From, To string
	Reason   error
}

// Quarantine checks every entry of the work corpus dir and moves the ones
// Go could not use to qdir: unreadable files (which would make Go's
// coordinator abort the whole target) and files that are not in Go's corpus
// format (which Go skips without a word). It returns what it moved; the
// error is only for a directory it cannot list or a move that fails.
func Quarantine(dir, qdir string) ([]Quarantined, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read work corpus %s: %w", dir, err)
	}
	var out []Quarantined
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err == nil {
			err = CheckGoCorpusFile(data)
		}
		if err == nil {
			continue
		}
		to := filepath.Join(qdir, e.Name())
		if err := os.MkdirAll(qdir, 0o755); err != nil {
			return out, fmt.Errorf("quarantine %s: %w", path, err)
		}
		if err := os.Rename(path, to); err != nil {
			return out, fmt.Errorf("quarantine %s (move or remove it by hand): %w", path, err)
		}
		out = append(out, Quarantined{From: path, To: to, Reason: err})
	}
	return out, nil
}

// CheckGoCorpusFile checks data against the syntax of Go's fuzzing corpus
// files: the "go test fuzz v1" header, then one value a line, each a
// conversion of a literal such as []byte("...") or int(-3).
func CheckGoCorpusFile(data []byte) error {
	lines := strings.Split(string(bytes.TrimRight(data, "\n")), "\n")
	if len(lines) == 0 || lines[0] != "go test fuzz v1" {
		return errors.New(`not a Go corpus file: missing "go test fuzz v1" header`)
	}
	n := 0
	for i, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n++
		expr, err := parser.ParseExpr(line)
		if err != nil {
			return fmt.Errorf("line %d: %v", i+2, err)
		}
		call, ok := expr.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return fmt.Errorf("line %d: want a conversion like []byte(\"...\")", i+2)
		}
		if !isLiteral(call.Args[0]) {
			return fmt.Errorf("line %d: the value is not a literal", i+2)
		}
	}
	if n == 0 {
		return errors.New("no values in the Go corpus file")
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
