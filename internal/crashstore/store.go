// Package crashstore owns daemonfuzz's crash store: plain directories
//
//	crashers/<target>/<signature-id>/
//		input        the reproducer: minimised, or the smallest input seen
//		original     the raw input the reproducer derives from
//		output.log   go test's output for the reproducer
//		report.json  the report.Crash (schema: internal/report, SchemaVersion)
//		report.md    the bug report a person reads
//
// with no index or database: the list of crashes is rebuilt from the
// directories every time. Recording a crash whose signature is already stored
// adds to its count and keeps the smaller reproducer. A file the store does
// not understand (a hand-edited report.json, a missing input) is an error
// naming the file; the store never overwrites what it cannot read.
//
// crashers/suppressions.txt lists the signature ids fuzzing continues past
// (see suppress.go); crashers/_incoming/ is where others drop crashers for
// ingestion.
package crashstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// DirName is the store's directory under the module root.
const DirName = "crashers"

// Names of the files in a crash directory.
const (
	InputFile    = "input"
	OriginalFile = "original"
	OutputFile   = "output.log"
	ReportFile   = "report.json"
	MarkdownFile = "report.md"
)

// Store is the crash store of one module.
type Store struct {
	ModuleRoot string // the module's root directory
	Root       string // the store, ModuleRoot/crashers

	// Deps lists the modules linked into the test binary of the package in
	// dir (relative to ModuleRoot). Nil means GoListDeps. Tests replace it
	// to stay off the go command.
	Deps func(moduleRoot, dir string) ([]report.Module, error)

	// Now is the clock for observations without a time. Nil means time.Now.
	Now func() time.Time

	// Commit returns the git commit the package in dir can be restored
	// from, or "". Nil means GitCommit. Tests replace it.
	Commit func(moduleRoot, dir string) string

	depsCache map[string][]report.Module
	modPath   string
}

// Open returns the store of the module rooted at moduleRoot. The directory
// is created on the first Record.
func Open(moduleRoot string) *Store {
	abs, err := filepath.Abs(moduleRoot)
	if err != nil {
		abs = moduleRoot
	}
	return &Store{ModuleRoot: abs, Root: filepath.Join(abs, DirName)}
}

// Entry is one stored crash.
type Entry struct {
	Path  string        // the crash directory
	Crash *report.Crash // its report.json
}

// File returns the path of one of the entry's files.
func (e Entry) File(name string) string { return filepath.Join(e.Path, name) }

// Input reads the entry's reproducer.
func (e Entry) Input() ([]byte, error) { return os.ReadFile(e.File(InputFile)) }

// TargetKey is the directory name of a target's crashes: the package
// directory with slashes as dashes, a dot, and the fuzz test's name
// ("fuzz-dns.FuzzWire"); a fuzz test in the module root is its name alone.
func TargetKey(dir, name string) string {
	dir = strings.Trim(filepath.ToSlash(dir), "/")
	if dir == "" || dir == "." {
		return name
	}
	return strings.ReplaceAll(dir, "/", "-") + "." + name
}

// EntryPath is the directory of one crash.
func (s *Store) EntryPath(dir, name, id string) string {
	return filepath.Join(s.Root, TargetKey(dir, name), id)
}

// Error is a problem with one file or directory of the store. Path names it;
// the message says what to do.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("crashstore: %s: %v", e.Path, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// ErrInconsistent marks a crash directory whose files disagree with its
// report.json, typically after a hand edit.
var ErrInconsistent = errors.New("inconsistent crash directory")

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
