// Package modroot finds the Go module a directory belongs to: the one
// answer to "where is the module root" in daemonfuzz. It is its own package
// so the fuzz binaries (through internal/corpus's seeds and
// internal/signature's suppression list) and fuzzrun (internal/target,
// whose FindModuleRoot adds the CLI's error) share one definition without
// the fuzz binaries linking fuzzrun's packages.
package modroot

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrNoModule is returned when no directory from dir up holds a go.mod.
var ErrNoModule = errors.New("no go.mod in it or any parent")

// Find returns the first ancestor of dir (or dir itself) that holds a
// go.mod, as an absolute path.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", ErrNoModule
		}
	}
}
