// Package target owns fuzz target discovery: it finds every native Go fuzz
// test (func FuzzXxx(f *testing.F)) in a module's *_test.go files by parsing
// them, never by a hand-kept list, and resolves the patterns a user types
// into targets. It works on any Go module, not only daemonfuzz.
package target

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/modroot"
)

// Target is one fuzz test.
type Target struct {
	Name       string `json:"name"`        // FuzzXxx
	ImportPath string `json:"import_path"` // the package's import path
	Dir        string `json:"dir"`         // package directory relative to the module root, slash-separated; "." for the root
	Format     string `json:"format"`      // corpus format (corpus/<format>/), "" if the target declares none
	Set        string `json:"set"`         // SetSuite, SetBench or SetTool (see Select)
	// Module is the directory of the target's Go module relative to the
	// module root, slash-separated: "" for the root module itself, for
	// example "fuzz/coredns" for a nested module that shares the root's
	// corpus and crash store (see Discover).
	Module string `json:"module,omitempty"`
}

// ID is the target's unique name, "pkgdir:FuzzXxx", used in patterns, file
// names under fuzzrun's work directory, and messages.
func (t Target) ID() string { return t.Dir + ":" + t.Name }

// PackageArg is the argument that names the package to the go command run
// in the target's module directory (ModuleDir), for example "./fuzz/dns".
func (t Target) PackageArg() string {
	dir := t.Dir
	if t.Module != "" {
		dir = strings.TrimPrefix(strings.TrimPrefix(dir, t.Module), "/")
	}
	if dir == "." || dir == "" {
		return "."
	}
	return "./" + dir
}

// ModuleDir is the directory the go command runs in for t: the root of its
// module under moduleRoot.
func (t Target) ModuleDir(moduleRoot string) string {
	return filepath.Join(moduleRoot, filepath.FromSlash(t.Module))
}

// GoCommand is how a user at the module root invokes the go command for t:
// "go", or "go -C fuzz/coredns" for a target of a nested module.
func (t Target) GoCommand() string {
	if t.Module == "" {
		return "go"
	}
	return "go -C " + t.Module
}

// AbsDir is the package directory under moduleRoot.
func (t Target) AbsDir(moduleRoot string) string {
	return filepath.Join(moduleRoot, filepath.FromSlash(t.Dir))
}

// sortTargets orders targets by package directory, then name, so listings
// and schedules are stable.
func sortTargets(ts []Target) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Dir != ts[j].Dir {
			return ts[i].Dir < ts[j].Dir
		}
		return ts[i].Name < ts[j].Name
	})
}

// importPath joins the module path and a slash-separated package directory.
func importPath(modPath, dir string) string {
	if dir == "." {
		return modPath
	}
	return path.Join(modPath, dir)
}

// ModuleError reports a directory that is not the root of a Go module.
type ModuleError struct {
	Dir string
	Err error
}

func (e *ModuleError) Error() string {
	return fmt.Sprintf("%s is not a Go module root (run fuzzrun where go.mod is): %v", e.Dir, e.Err)
}

func (e *ModuleError) Unwrap() error { return e.Err }

// FindModuleRoot returns the first ancestor of dir (or dir itself) that
// holds a go.mod, as an absolute path.
func FindModuleRoot(dir string) (string, error) {
	root, err := modroot.Find(dir)
	if err != nil {
		abs, _ := filepath.Abs(dir)
		return "", &ModuleError{Dir: abs, Err: err}
	}
	return root, nil
}
