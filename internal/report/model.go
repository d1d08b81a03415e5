// Package report owns daemonfuzz's crash report data model, the schema of
// every crashers/<target>/<id>/report.json, and its renderers: a text table,
// JSON, SARIF 2.1.0 for GitHub code scanning, and the Markdown bug report,
// each in its own file. The model is the source of truth; every renderer is a
// view of it and can be re-run from saved JSON.
package report

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// SchemaVersion is the version of the Crash JSON schema. It changes only
// when a field changes meaning or is removed; adding a field keeps it.
const SchemaVersion = 1

// Statuses of a crash.
const (
	StatusOpen  = "open"  // reproduces with the current code
	StatusFixed = "fixed" // no longer reproduces; FixedIn says with what
	StatusFlaky = "flaky" // reproduces on some replays only
	// StatusDuplicate: the input now fails with another signature, the
	// entry DuplicateOf names; that entry carries the bug from now on.
	StatusDuplicate = "duplicate"
	// StatusStale: the input passes today, but the library it crashed in
	// is at the version it crashed with (or the input still crashes it,
	// as another signature, through the harness the crash was recorded
	// with), so nothing was fixed: the harness no longer builds this input
	// into the crashing call (see internal/triage). The stored stack and
	// output stand; the bug needs a new reproducer.
	StatusStale = "stale"
)

// Crash is one bug: one signature of one target, with every observation of
// it folded in. It is the content of report.json.
type Crash struct {
	SchemaVersion int    `json:"schema_version"`   // SchemaVersion
	ID            string `json:"id"`               // the signature id, also the directory name
	Target        string `json:"target"`           // the fuzz test, FuzzXxx
	Package       string `json:"package"`          // its import path
	Dir           string `json:"dir"`              // its package directory relative to the module root, slash-separated
	Module        string `json:"module,omitempty"` // its nested module's directory relative to the module root (target.Target.Module), "" for the root module
	// NoReproducer marks a crash go test reported without writing its input
	// (a seed added with f.Add, named only "seed#N"): the entry has the
	// output and the signature, but no input to replay, so triage leaves its
	// status alone. Fuzzing the target again finds the input with its bytes.
	NoReproducer bool `json:"no_reproducer,omitempty"`

	Title      string                 `json:"title"`       // "dns: index out of range in unpackDataSVCB"
	Kind       string                 `json:"kind"`        // signature.Kind*: panic, fatal, hang, oom, oracle, fail, terminated
	Message    string                 `json:"message"`     // normalised message, part of the signature
	RawMessage string                 `json:"raw_message"` // the message of the smallest reproducer as printed
	Frames     []string               `json:"frames"`      // signature frames, innermost first
	Signature  string                 `json:"signature"`   // canonical signature text, whose hash is ID
	Stack      []signature.StackFrame `json:"stack"`       // trimmed stack of the smallest reproducer

	Status    string    `json:"status"`     // Status*
	FirstSeen time.Time `json:"first_seen"` // first observation
	LastSeen  time.Time `json:"last_seen"`  // latest observation
	Count     int       `json:"count"`      // observations, duplicates included
	Sources   []string  `json:"sources"`    // distinct finders (at most MaxSources), oldest first

	Input     File `json:"input"`     // the reproducer: minimised, or the smallest seen
	Original  File `json:"original"`  // the raw input the reproducer derives from
	Minimized bool `json:"minimized"` // Input is the result of minimisation of Original

	Deps    []Module `json:"deps"`               // modules linked into the target when last seen
	FixedIn []Module `json:"fixed_in,omitempty"` // modules when triage first found it fixed
	// DuplicateOf is the signature id this input fails with now, when
	// Status is StatusDuplicate.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Harness records the code that turned the input into a call of the
	// library when the crash was recorded: the commit and a hash of the
	// target package's Go files. A replay that passes with a different
	// harness is replayed with the recorded one before anything is called
	// fixed (see internal/triage).
	Harness *Harness `json:"harness,omitempty"`
	// Finding is the write-up under findings/ that lists this signature
	// (findings/<slug>/finding.json), refreshed whenever the crash is saved
	// or rendered.
	Finding *Finding `json:"finding,omitempty"`
	Triage  *Triage  `json:"triage,omitempty"` // the latest triage replay
	Issue   *Issue   `json:"issue,omitempty"`  // the issue filed for it
}

// Harness identifies the target package's code a crash was recorded with.
type Harness struct {
	Commit string `json:"commit,omitempty"` // git commit of the checkout, when known
	Hash   string `json:"hash,omitempty"`   // sha256 of the package's Go files
}

// Finding is the root-cause write-up findings/<slug>/finding.json that
// lists a crash's signature.
type Finding struct {
	ID     string `json:"id"`     // the slug
	Title  string `json:"title"`  // its title
	Status string `json:"status"` // unreported, reported, fixed
	Link   string `json:"link,omitempty"`
	Path   string `json:"path"` // findings/<slug>, relative to the module root
}

// MaxSources bounds Crash.Sources.
const MaxSources = 20

// File describes one file of a crash's directory.
type File struct {
	Name   string `json:"name"` // file name inside the crash directory
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"` // hex
}

// Module is a dependency and its version, as `go list -m` prints them.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// Triage is the result of the latest replay of a crash against current code.
type Triage struct {
	At         time.Time `json:"at"`
	Attempts   int       `json:"attempts"`        // replays run
	Reproduced int       `json:"reproduced"`      // replays that crashed with this signature
	Other      []string  `json:"other,omitempty"` // other signature ids seen while replaying
	// Harness is the commit whose target package the input was last
	// replayed through, when today's differs from the recorded one.
	Harness string `json:"harness,omitempty"`
}

// Issue is the GitHub issue a crash is filed as.
type Issue struct {
	Repo   string    `json:"repo"` // owner/name
	Number int       `json:"number"`
	URL    string    `json:"url"`
	Filed  time.Time `json:"filed"`
	// Reported is the Count the issue last heard about; file comments on
	// recurrence when Count has grown past it.
	Reported int `json:"reported"`
}

// TargetID is the target's unique name, "pkgdir:FuzzXxx", as fuzzrun's
// target patterns spell it.
func (c *Crash) TargetID() string { return c.Dir + ":" + c.Target }

// PackageArg names the package to the go command run in its module's
// directory (the module root, or Module for a nested module).
func (c *Crash) PackageArg() string {
	dir := c.Dir
	if c.Module != "" {
		dir = strings.TrimPrefix(strings.TrimPrefix(dir, c.Module), "/")
	}
	if dir == "." || dir == "" {
		return "."
	}
	return "./" + dir
}

// GoCommand is how a user at the module root invokes the go command for the
// crash's package: "go", or "go -C <module>" for a nested module.
func (c *Crash) GoCommand() string {
	if c.Module == "" {
		return "go"
	}
	return "go -C " + c.Module
}

// StatusText is the status as people read it: "duplicate of <id>" for a
// duplicate.
func (c *Crash) StatusText() string {
	if c.Status == StatusDuplicate && c.DuplicateOf != "" {
		return StatusDuplicate + " of " + c.DuplicateOf
	}
	return c.Status
}

// Minimizable reports whether 'fuzzrun minimize -all' takes the crash: a
// reproducer that is not minimised yet and still fails as the crash's own
// signature (open or flaky). Minimisation keeps an entry's signature, so a
// duplicate's, a stale or a fixed entry's input cannot be minimised.
func (c *Crash) Minimizable() bool {
	return !c.Minimized && !c.NoReproducer && (c.Status == StatusOpen || c.Status == StatusFlaky)
}

// NotMinimized says why the reproducer is not minimised, or "" when it is.
func (c *Crash) NotMinimized() string {
	switch {
	case c.Minimized:
		return ""
	case c.NoReproducer:
		return "no reproducer to minimise"
	case c.Minimizable():
		return "not yet minimised ('fuzzrun minimize -all')"
	case c.Status == StatusDuplicate:
		return "not minimised, and cannot be: it fails as " + c.DuplicateOf + " now, and minimisation keeps an entry's own signature; " + c.DuplicateOf + " carries the bug"
	case c.Status == StatusStale:
		return "not minimised, and cannot be: it passes with today's harness"
	}
	return "not minimised, and cannot be: it passes now"
}

// StatusNote says what the status means for the reproducer, for every
// status but open (whose reproducer fails as this signature), or "".
func (c *Crash) StatusNote() string {
	tri := c.Triage
	switch c.Status {
	case StatusDuplicate:
		other := path.Join(path.Dir(c.StoreKey()), c.DuplicateOf)
		return fmt.Sprintf("This input no longer fails as `%s`: the latest triage replay fails as `%s` (crashers/%s), the entry that carries the bug from now on. The commands below reproduce that crash, not this one.", c.ID, c.DuplicateOf, other)
	case StatusStale:
		how, why := "", "the library it crashed in is at the version it crashed with"
		if c.Kind == signature.KindOracle {
			why = "a finding lists it as a library bug and no dependency changed since it was recorded"
		}
		if tri != nil && tri.Harness != "" {
			how = fmt.Sprintf(", and once more through the target package as of commit %s", tri.Harness)
			if len(tri.Other) > 0 {
				why = fmt.Sprintf("through the target package as of commit %s it still crashes the library, as %s", tri.Harness, strings.Join(tri.Other, ", "))
			}
		}
		return fmt.Sprintf("The input passes today (the latest triage replayed it with today's harness%s), but %s: the bug is not fixed, the harness no longer builds this input into the crashing call. The message, stack and output.log are the recorded ones; the commands below pass. The bug needs a new reproducer.", how, why)
	case StatusFixed:
		n := 0
		if tri != nil {
			n = tri.Attempts
		}
		note := fmt.Sprintf("The input passes every oracle in strict mode now (%d replays at the latest triage); the commands below pass. 'Fixed in' lists the dependency versions it stopped reproducing with.", n)
		if sameModules(c.Deps, c.FixedIn) {
			note += " No dependency changed since it was recorded: the target's own code did (an oracle corrected, or an input the harness no longer builds the same way)."
		}
		return note
	case StatusFlaky:
		if tri != nil {
			return fmt.Sprintf("Reproduced on %d of %d replays at the latest triage: the commands below may pass; run them again.", tri.Reproduced, tri.Attempts)
		}
		return "Reproduces on some replays only: the commands below may pass; run them again."
	}
	return ""
}

// sameModules reports whether a and b list the same modules at the same
// versions (and are not empty).
func sameModules(a, b []Module) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	v := map[string]string{}
	for _, m := range a {
		v[m.Path] = m.Version
	}
	for _, m := range b {
		if got, ok := v[m.Path]; !ok || got != m.Version {
			return false
		}
	}
	return true
}
