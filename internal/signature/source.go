package signature

import (
	"embed"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"
)

//go:embed *.go
var sourceFS embed.FS

// Source returns the package's own Go files that import only the standard
// library (tests and this file left out), by name. fuzzrun compiles them
// into a fuzz target's test binary through a build overlay (see
// internal/coverage's guard), so the binary computes signatures in-process
// exactly as the crash store does, in any module. The signing code (Parse,
// FromPanic) must therefore stay in files that import the standard library
// only; a file that imports more (suppress.go) is left out of the copy.
func Source() (map[string][]byte, error) {
	ents, err := fs.ReadDir(sourceFS, ".")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, "_test.go") || n == "source.go" {
			continue
		}
		data, err := sourceFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if !stdOnly(n, data) {
			continue
		}
		out[n] = data
	}
	return out, nil
}

// stdOnly reports whether the file imports only standard packages (no dot
// in the first element of any import path).
func stdOnly(name string, src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return false
		}
		first, _, _ := strings.Cut(p, "/")
		if strings.Contains(first, ".") {
			return false
		}
	}
	return true
}
