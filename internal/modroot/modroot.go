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

// Suite returns the root of the module whose corpus/ and crashers/ serve
// dir: the nearest module root from dir up that holds a corpus/ directory,
// or the nearest module root (Find) if none does. A module nested in a
// repository without a corpus of its own (fuzz/coredns: its own go.mod, so
// the rest of the suite does not build CoreDNS's dependencies) thereby
// seeds from, and stores crashes in, the repository's.
func Suite(dir string) (string, error) {
	root, err := Find(dir)
	if err != nil {
		return "", err
	}
	for d := root; ; {
		if st, err := os.Stat(filepath.Join(d, "corpus")); err == nil && st.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return root, nil
		}
		up, err := Find(parent)
		if err != nil {
			return root, nil
		}
		d = up
	}
}
