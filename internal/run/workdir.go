// Package run owns a fuzzing run of many targets: the managed work
// directory (.fuzzrun/ at the module root) with its lock, the persistent work
// corpus every run resumes from, the quarantine for corpus entries Go could
// not read, the per-target stats time series and the run summary; and the
// Runner, which builds the test binaries, schedules slices of fuzzing on a
// pool of workers (internal/schedule), hands crashes to a callback, and
// reports progress to a Display.
//
// Layout of the work directory:
//
//	lock                          held by the running fuzzrun (flock), with its pid
//	bin/<pkg>.test                instrumented test binaries
//	corpus/<pkgdir>/<FuzzXxx>/    the work corpus, in Go's corpus file format
//	quarantine/<pkgdir>/<FuzzXxx>/ corpus entries that could not be read or parsed
//	unconfirmed/<pkgdir>/<FuzzXxx>/ inputs of suspected hangs a replay did not confirm
//	stats/<pkgdir>/<FuzzXxx>.jsonl the time series, one StatPoint a line
//	summary.json                  the last run's Summary
//	coverage/<pkgdir>/<FuzzXxx>/  the last 'fuzzrun coverage' of a target: report.json, index.html
package run

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// DirName is the default work directory under the module root.
const DirName = ".fuzzrun"

// WorkDir is a managed work directory.
type WorkDir struct {
	Root string // absolute
}

// OpenWorkDir creates (if needed) and returns the work directory at path.
func OpenWorkDir(path string) (*WorkDir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create work directory %s: %w", abs, err)
	}
	return &WorkDir{Root: abs}, nil
}

// CacheDir is what the engine passes to Go as -test.fuzzcachedir for t's
// package; Go keeps t's corpus in CacheDir/<Name>, which is CorpusDir.
func (w *WorkDir) CacheDir(t target.Target) string {
	return filepath.Join(w.Root, "corpus", filepath.FromSlash(t.Dir))
}

// CorpusDir holds t's work corpus: every interesting input fuzzing found,
// one Go corpus file each, kept across runs.
func (w *WorkDir) CorpusDir(t target.Target) string {
	return filepath.Join(w.CacheDir(t), t.Name)
}

// QuarantineDir holds t's corpus entries that could not be used.
func (w *WorkDir) QuarantineDir(t target.Target) string {
	return filepath.Join(w.Root, "quarantine", filepath.FromSlash(t.Dir), t.Name)
}

// UnconfirmedDir holds inputs the hang watchdog flagged that did not hang
// again when replayed: kept for a look, not filed as crashes.
func (w *WorkDir) UnconfirmedDir(t target.Target) string {
	return filepath.Join(w.Root, "unconfirmed", filepath.FromSlash(t.Dir), t.Name)
}

// StatsPath is t's stats time series.
func (w *WorkDir) StatsPath(t target.Target) string {
	return filepath.Join(w.Root, "stats", filepath.FromSlash(t.Dir), t.Name+".jsonl")
}

// CoverageRoot holds every target's last coverage measurement.
func (w *WorkDir) CoverageRoot() string { return filepath.Join(w.Root, "coverage") }

// CoverageDir holds t's last coverage measurement: report.json (a
// coverage.Report) and index.html (go tool cover's view).
func (w *WorkDir) CoverageDir(t target.Target) string {
	return filepath.Join(w.CoverageRoot(), filepath.FromSlash(t.Dir), t.Name)
}

// SummaryPath is the last run's summary.
func (w *WorkDir) SummaryPath() string { return filepath.Join(w.Root, "summary.json") }

// BinDir holds the built test binaries.
func (w *WorkDir) BinDir() string { return filepath.Join(w.Root, "bin") }

// LockPath is the lock file.
func (w *WorkDir) LockPath() string { return filepath.Join(w.Root, "lock") }
