// Package workdir owns fuzzrun's managed work directory (.fuzzrun/ at the
// module root by default): its layout, its lock, the persistent work corpus
// every run resumes from and its quarantine, the per-target stats time
// series (writer and reader) and the run summary. It does no fuzzing: the
// runner (internal/run) writes it, and corpus merging, coverage, the web
// report and the CLI read it, all through this one description.
//
// Layout:
//
//	lock                          held by the running fuzzrun (flock), with its pid
//	bin/<pkg>.test                instrumented test binaries
//	corpus/<pkgdir>/<FuzzXxx>/    the work corpus, in Go's corpus file format
//	quarantine/<pkgdir>/<FuzzXxx>/ corpus entries that could not be read or parsed
//	unconfirmed/<pkgdir>/<FuzzXxx>/ inputs of suspected hangs a replay did not confirm
//	stats/<pkgdir>/<FuzzXxx>.jsonl the time series, one StatPoint a line
//	summary.json                  the last run's Summary
//	coverage/<pkgdir>/<FuzzXxx>/  the last 'fuzzrun coverage' of a target: report.json, index.html
package workdir

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// DirName is the default work directory under the module root.
const DirName = ".fuzzrun"

// Dir is a managed work directory. Its methods only compute paths; Open
// creates the directory, Lock takes it.
type Dir struct {
	Root string // absolute
}

// Path returns the work directory a command uses: path when it is given
// (already resolved by the caller), else DirName at the module root.
func Path(moduleRoot, path string) string {
	if path != "" {
		return path
	}
	return filepath.Join(moduleRoot, DirName)
}

// At is the work directory at Path(moduleRoot, path), not created.
func At(moduleRoot, path string) *Dir { return &Dir{Root: Path(moduleRoot, path)} }

// Open creates (if needed) and returns the work directory at path.
func Open(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create work directory %s: %w", abs, err)
	}
	return &Dir{Root: abs}, nil
}

// Exists reports whether the work directory has been created.
func (w *Dir) Exists() bool {
	st, err := os.Stat(w.Root)
	return err == nil && st.IsDir()
}

// CacheDir is what the engine passes to Go as -test.fuzzcachedir for t's
// package; Go keeps t's corpus in CacheDir/<Name>, which is CorpusDir.
func (w *Dir) CacheDir(t target.Target) string {
	return filepath.Join(w.Root, "corpus", filepath.FromSlash(t.Dir))
}

// CorpusDir holds t's work corpus: every interesting input fuzzing found,
// one Go corpus file each, kept across runs.
func (w *Dir) CorpusDir(t target.Target) string {
	return filepath.Join(w.CacheDir(t), t.Name)
}

// QuarantineDir holds t's corpus entries that could not be used.
func (w *Dir) QuarantineDir(t target.Target) string {
	return filepath.Join(w.Root, "quarantine", filepath.FromSlash(t.Dir), t.Name)
}

// UnconfirmedDir holds inputs the hang watchdog flagged that did not hang
// again when replayed: kept for a look, not filed as crashes.
func (w *Dir) UnconfirmedDir(t target.Target) string {
	return filepath.Join(w.Root, "unconfirmed", filepath.FromSlash(t.Dir), t.Name)
}

// UnstoredDir holds the inputs of crashes the crash store could not record
// (crashers/ not writable, a broken entry in the way), one Go corpus file
// each with go test's output beside it as <file>.log: nothing found is
// lost, and 'fuzzrun triage' can ingest them from crashers/_incoming later.
func (w *Dir) UnstoredDir(t target.Target) string {
	return filepath.Join(w.Root, "unstored", filepath.FromSlash(t.Dir), t.Name)
}

// KnownPath lists the signature ids a run has stored so far, one a line:
// the guard of every fuzzing process of the run skips them (see
// internal/coverage's ModeGuard). Rewritten at each run's start.
func (w *Dir) KnownPath() string { return filepath.Join(w.Root, "guard", "known.txt") }

// SkippedPath is where t's fuzzing processes note the known signatures
// their guard skipped.
func (w *Dir) SkippedPath(t target.Target) string {
	return filepath.Join(w.Root, "guard", filepath.FromSlash(t.Dir), t.Name+".skipped")
}

// StatsRoot holds every target's stats time series.
func (w *Dir) StatsRoot() string { return filepath.Join(w.Root, "stats") }

// StatsPath is t's stats time series.
func (w *Dir) StatsPath(t target.Target) string {
	return filepath.Join(w.StatsRoot(), filepath.FromSlash(t.Dir), t.Name+StatsSuffix)
}

// StatsSuffix ends the name of every stats file.
const StatsSuffix = ".jsonl"

// CoverageRoot holds every target's last coverage measurement.
func (w *Dir) CoverageRoot() string { return filepath.Join(w.Root, "coverage") }

// CoverageDir holds t's last coverage measurement: report.json (a
// coverage.Report) and index.html (go tool cover's view).
func (w *Dir) CoverageDir(t target.Target) string {
	return filepath.Join(w.CoverageRoot(), filepath.FromSlash(t.Dir), t.Name)
}

// SummaryPath is the last run's summary.
func (w *Dir) SummaryPath() string { return filepath.Join(w.Root, "summary.json") }

// BinDir holds the built test binaries.
func (w *Dir) BinDir() string { return filepath.Join(w.Root, "bin") }

// LockPath is the lock file.
func (w *Dir) LockPath() string { return filepath.Join(w.Root, "lock") }

// Lock takes the work directory's lock without waiting (see Acquire).
func (w *Dir) Lock() (*Lock, error) { return Acquire(w.LockPath()) }
