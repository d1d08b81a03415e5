package signature

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.go
var sourceFS embed.FS

// Source returns the package's own Go files (tests and this file left out),
// by name. fuzzrun compiles them into a fuzz target's test binary through a
// build overlay (see internal/coverage's guard), so the binary computes
// signatures in-process exactly as the crash store does, in any module.
// The package imports only the standard library, which keeps that possible.
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
		out[n] = data
	}
	return out, nil
}
