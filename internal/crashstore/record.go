package crashstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/modroot"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// Observation is one crash as someone saw it: a fuzzing run, a replay, an
// ingested file.
type Observation struct {
	Target  string // the fuzz test, FuzzXxx
	Package string // its import path
	Dir     string // its package directory: relative to the module root, or absolute
	Input   []byte // the crashing input, raw bytes (not Go corpus encoding)
	Output  []byte // go test's output for the crash
	// Kind is signature.KindHang or signature.KindOOM when the caller saw the
	// deadline or memory limit pass itself; empty to classify from Output.
	Kind   string
	Source string    // who found it: "fuzzrun run", a file it came from
	Seen   time.Time // when; zero means now
	// Unconfirmed marks a hang or an oom the watchdog saw whose replay
	// under the same deadline or memory limit did not show it (the worker
	// was starved, or the previous input left the memory behind). Record
	// refuses it: see ErrUnconfirmed.
	Unconfirmed bool
	// NoInput marks a failure Go reported without writing its input (a seed
	// added with f.Add fails before fuzzing starts, and go test names it
	// only "seed#N"). Record stores it with report.Crash.NoReproducer set,
	// never as an empty reproducer (which would replay as passing and be
	// called fixed), and never replaces a real reproducer with it.
	NoInput bool
	// Replay marks a replay of an input the store already holds (triage
	// finding a stored input fails as another signature now). A replay is
	// not a new sighting: it creates the entry when there is none, but an
	// existing entry's Count and LastSeen count what fuzzing and imports
	// saw, and are left alone (otherwise every triage run of a duplicate
	// would add one to the crash it duplicates).
	Replay bool
	// File marks a Source that names one file holding Input (a crasher
	// ingested from crashers/_incoming, a FILE given to 'fuzzrun minimize').
	// The same file recorded again (a Source the entry lists already) is
	// the same sighting, not another one: an _incoming file left behind by
	// a commit that kept the entry but not the file's removal is ingested
	// twice. (The entry keeps one original, so the file's bytes cannot be
	// compared: its path names it.)
	File bool
}

// ErrUnconfirmed is returned by Record for an Observation whose hang or oom
// a replay did not confirm, or whose output holds no stack of it. Nothing is
// stored and no reproducer replaced; the caller keeps the input where it
// says.
var ErrUnconfirmed = errors.New("the replay of the input did not confirm the crash")

// Observe is the one way a crash, from any source (a fuzzing run, an
// ingested file, a minimisation, a triage replay), becomes an Observation of
// target t: the raw input, go test's output for it, the kind the replayer
// saw itself ("" to classify from the output), who saw it and when.
func Observe(t TargetRef, input, output []byte, kind, source string, seen time.Time) Observation {
	return Observation{
		Target: t.Name, Package: t.ImportPath, Dir: t.Dir,
		Input: input, Output: output, Kind: kind, Source: source, Seen: seen,
	}
}

// TargetRef names a fuzz test: the fields of target.Target the store keeps.
type TargetRef struct {
	Name       string // FuzzXxx
	ImportPath string
	Dir        string // package directory relative to the module root
}

// Record files obs under its signature. It reports whether the signature is
// new to the target. A known signature gets its count and last-seen time
// bumped, and obs's input becomes the reproducer if it is smaller; a crash
// marked fixed that is seen again is open again.
func (s *Store) Record(obs Observation) (Entry, bool, error) {
	if obs.Target == "" {
		return Entry{}, false, errors.New("crashstore: observation without a target")
	}
	if obs.Unconfirmed {
		return Entry{}, false, fmt.Errorf("crashstore: %s: %s not stored: %w", obs.Target, obs.Kind, ErrUnconfirmed)
	}

	c, err := signature.Parse(obs.Output, obs.Kind)
	if err != nil {
		return Entry{}, false, fmt.Errorf("crashstore: %s: %w; pass the complete go test output", obs.Target, err)
	}
	if (c.Sig.Kind == signature.KindHang || c.Sig.Kind == signature.KindOOM) && len(c.Sig.Frames) == 0 {
		// Its signature would be the kind alone: every hang of the target
		// one crash, with nothing to say where it loops.
		return Entry{}, false, fmt.Errorf("crashstore: %s: %s not stored: its output shows no stack of the looping or allocating goroutine (replay it with 'fuzzrun triage', which prints every thread's): %w", obs.Target, c.Sig.Kind, ErrUnconfirmed)
	}
	dir, err := s.relDir(obs.Dir)
	if err != nil {
		return Entry{}, false, err
	}
	if obs.Seen.IsZero() {
		obs.Seen = s.now()
	}
	obs.Seen = obs.Seen.UTC()
	key := TargetKey(dir, obs.Target)
	unlock, err := lock(filepath.Join(s.Root, key))
	if err != nil {
		return Entry{}, false, err
	}
	defer unlock()

	path := filepath.Join(s.Root, key, c.Sig.ID())
	old, err := Load(path)
	switch {
	case err == nil:
		return s.update(old, obs, c)
	case errors.Is(err, fs.ErrNotExist):
		return s.create(path, dir, obs, c)
	default:
		return Entry{}, false, fmt.Errorf("%w (not recording %s's crash over it)", err, obs.Target)
	}
}

// relDir turns an observation's package directory into the slash-separated
// path relative to the module root that reports carry.
func (s *Store) relDir(dir string) (string, error) {
	if dir == "" {
		return ".", nil
	}
	if filepath.IsAbs(dir) {
		r, err := filepath.Rel(s.ModuleRoot, dir)
		if err != nil || r == ".." || len(r) > 2 && r[:3] == ".."+string(filepath.Separator) {
			return "", fmt.Errorf("crashstore: package directory %s is outside the module at %s", dir, s.ModuleRoot)
		}
		dir = r
	}
	return filepath.ToSlash(filepath.Clean(dir)), nil
}

// moduleOf is the directory of the nested module holding package dir,
// relative to the module root, or "" when it is the root module's (see
// target.Target.Module).
func (s *Store) moduleOf(dir string) string {
	m, err := modroot.Find(filepath.Join(s.ModuleRoot, filepath.FromSlash(dir)))
	if err != nil {
		return ""
	}
	r, err := filepath.Rel(s.ModuleRoot, m)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return ""
	}
	return filepath.ToSlash(r)
}

func (s *Store) create(path, dir string, obs Observation, c signature.Crash) (Entry, bool, error) {
	rc := &report.Crash{
		SchemaVersion: report.SchemaVersion,
		ID:            c.Sig.ID(),
		Target:        obs.Target,
		Package:       obs.Package,
		Dir:           dir,
		Module:        s.moduleOf(dir),
		NoReproducer:  obs.NoInput,
		Status:        report.StatusOpen,
		FirstSeen:     obs.Seen,
		LastSeen:      obs.Seen,
		Count:         1,
	}
	s.setSignature(rc, c)
	addSource(rc, obs.Source)
	rc.Deps = s.deps(dir)
	rc.Harness = s.harness(dir)
	// Build the directory beside its final name and rename it into place,
	// so a crash directory either is complete or does not exist.
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Entry{}, false, &Error{Path: filepath.Dir(path), Err: err}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "."+rc.ID+".tmp-")
	if err != nil {
		return Entry{}, false, &Error{Path: filepath.Dir(path), Err: err}
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	e := Entry{Path: tmp, Crash: rc}
	if err := e.writeReproducer(obs.Input, obs.Input, obs.Output); err != nil {
		return Entry{}, false, err
	}
	if err := e.Save(); err != nil {
		return Entry{}, false, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Entry{}, false, &Error{Path: tmp, Err: err}
	}
	if err := os.Rename(tmp, path); err != nil {
		return Entry{}, false, &Error{Path: path, Err: fmt.Errorf("move new crash into place: %w", err)}
	}
	e.Path = path
	return e, true, nil
}

func (s *Store) update(e Entry, obs Observation, c signature.Crash) (Entry, bool, error) {
	rc := e.Crash
	if !obs.Replay && !(obs.File && e.sameFile(obs)) {
		rc.Count++
		if obs.Seen.After(rc.LastSeen) {
			rc.LastSeen = obs.Seen
		}
	}
	if obs.Seen.Before(rc.FirstSeen) {
		rc.FirstSeen = obs.Seen
	}
	addSource(rc, obs.Source)
	// A fixed, stale or duplicate entry's reproducer no longer fails as its
	// signature; obs's input does. It is back, and obs's input becomes the
	// reproducer whatever its size, or the entry would be open with an
	// input that does not show it. The latest triage was about the old one.
	reopened := false
	if rc.Status == report.StatusFixed || rc.Status == report.StatusDuplicate || rc.Status == report.StatusStale {
		rc.Status = report.StatusOpen
		rc.FixedIn, rc.DuplicateOf = nil, ""
		reopened = true
	}
	if rc.Package == "" {
		rc.Package = obs.Package
	}
	if !obs.NoInput && (rc.NoReproducer || reopened || len(obs.Input) < rc.Input.Size) {
		if reopened {
			rc.Triage = nil
		}
		rc.NoReproducer = false
		// Output that shows this crash for this input is the proof the
		// smaller input reproduces; Record refuses unconfirmed hangs and
		// ooms above, so a reproducer is never replaced by one that does
		// not reproduce.
		s.setSignature(rc, c)
		rc.Harness = s.harness(rc.Dir)
		if err := e.writeReproducer(obs.Input, obs.Input, obs.Output); err != nil {
			return Entry{}, false, err
		}
		rc.Minimized = false
	}
	rc.Deps = s.deps(rc.Dir)
	if err := e.Save(); err != nil {
		return Entry{}, false, err
	}
	return e, false, nil
}

// sameFile reports whether obs is a file the entry was already recorded
// from: its source is listed.
func (e Entry) sameFile(obs Observation) bool {
	for _, src := range e.Crash.Sources {
		if src == obs.Source {
			return true
		}
	}
	return false
}

// SetReproducer replaces the entry's reproducer with input, minimised from
// the entry's original, and the output of running it. It keeps the original.
// The output must show the entry's own signature. complete says the
// minimisation reached its fixed point; one whose budget ran out leaves
// the entry not minimised, so 'fuzzrun minimize -all' continues it.
func (s *Store) SetReproducer(e Entry, input, output []byte, complete bool) error {
	c, err := signature.Parse(output, e.hint())
	if err != nil {
		return fmt.Errorf("crashstore: %s: reproducer output: %w", e.Path, err)
	}
	if c.Sig.ID() != e.Crash.ID {
		return fmt.Errorf("crashstore: %s: reproducer crashes as %s (%s), not %s; not replacing", e.Path, c.Sig.ID(), c.Title(""), e.Crash.ID)
	}
	orig, err := os.ReadFile(e.File(OriginalFile))
	if err != nil {
		return &Error{Path: e.File(OriginalFile), Err: err}
	}
	s.setSignature(e.Crash, c)
	if err := e.writeReproducer(input, orig, output); err != nil {
		return err
	}
	e.Crash.Minimized = complete
	return e.Save()
}

// hint is the kind Parse must be told: hangs and OOMs are seen by the
// replayer, not read from the output.
func (e Entry) hint() string {
	switch e.Crash.Kind {
	case signature.KindHang, signature.KindOOM:
		return e.Crash.Kind
	}
	return ""
}

func (s *Store) setSignature(rc *report.Crash, c signature.Crash) {
	// A hang's stack is a snapshot: the goroutine may have been running on
	// another thread and printed none. Keep the one we have.
	if len(c.Stack) == 0 && len(rc.Stack) > 0 && rc.ID == c.Sig.ID() {
		c.Stack = rc.Stack
	}
	// Stored paths are module-relative (module-cache files as
	// module@version/file), so a report means the same on every checkout.
	c.Stack = signature.RelStack(c.Stack, s.ModuleRoot, s.modulePath())
	rc.Title = c.Title(pkgName(rc.Package, rc.Dir))
	rc.Kind = c.Sig.Kind
	rc.Message = c.Sig.Message
	rc.RawMessage = c.RawMessage
	rc.Frames = c.Sig.Frames
	rc.Signature = c.Sig.Text()
	rc.Stack = c.Stack
}

func addSource(rc *report.Crash, src string) {
	if src == "" {
		return
	}
	for _, s := range rc.Sources {
		if s == src {
			return
		}
	}
	if len(rc.Sources) < report.MaxSources {
		rc.Sources = append(rc.Sources, src)
	}
}

// writeReproducer writes input, original and output, updating the report's
// file records. report.json is written after, by Save.
func (e Entry) writeReproducer(input, original, output []byte) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{InputFile, input}, {OriginalFile, original}, {OutputFile, output}} {
		if err := atomicfile.Write(e.File(f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	e.Crash.Input = fileInfo(InputFile, input)
	e.Crash.Original = fileInfo(OriginalFile, original)
	return nil
}

// Save writes report.json and regenerates report.md, after refreshing the
// finding that lists the crash (see Findings).
func (e Entry) Save() error {
	if root := storeRootOf(e.Path); root != "" {
		if f, err := LoadFindings(root); err == nil {
			e.Crash.Finding = f.Of(e.Crash.ID)
		}
		// Stored paths are module-relative whoever saves (an entry
		// recorded before stacks were, or in another checkout, is
		// corrected on its next save).
		e.Crash.Stack = signature.RelStack(e.Crash.Stack, root, readModulePath(root))
	}
	data, err := report.JSON(e.Crash)
	if err != nil {
		return fmt.Errorf("crashstore: %s: %w", e.Path, err)
	}
	if err := atomicfile.Write(e.File(ReportFile), data, 0o644); err != nil {
		return err
	}
	return e.writeMarkdown()
}

func (e Entry) writeMarkdown() error {
	input, err := e.Input()
	if err != nil {
		return &Error{Path: e.File(InputFile), Err: err}
	}
	return atomicfile.Write(e.File(MarkdownFile), report.Markdown(e.Crash, input), 0o644)
}

// Rekey moves entry e to the id of crash c: the same crash, named by a newer
// signature scheme (e's own stored output parses to c's id now). History is
// kept: counts, first and last sightings, sources, issue, status. When the
// target already has an entry of that id, e is folded into it (the smaller
// reproducer wins) and e's directory removed. output is the replay output
// showing c for e's reproducer. It returns the entry under its new id.
func (s *Store) Rekey(e Entry, c signature.Crash, output []byte) (Entry, error) {
	id := c.Sig.ID()
	if id == e.Crash.ID {
		return e, nil
	}
	key := filepath.Base(filepath.Dir(e.Path))
	unlock, err := lock(filepath.Join(s.Root, key))
	if err != nil {
		return Entry{}, err
	}
	defer unlock()
	newPath := filepath.Join(s.Root, key, id)
	input, err := e.Input()
	if err != nil {
		return Entry{}, &Error{Path: e.File(InputFile), Err: err}
	}
	orig, err := os.ReadFile(e.File(OriginalFile))
	if err != nil {
		return Entry{}, &Error{Path: e.File(OriginalFile), Err: err}
	}
	if into, err := Load(newPath); err == nil {
		rc := into.Crash
		rc.Count += e.Crash.Count
		if e.Crash.FirstSeen.Before(rc.FirstSeen) {
			rc.FirstSeen = e.Crash.FirstSeen
		}
		if e.Crash.LastSeen.After(rc.LastSeen) {
			rc.LastSeen = e.Crash.LastSeen
		}
		for _, src := range e.Crash.Sources {
			addSource(rc, src)
		}
		if rc.Issue == nil {
			rc.Issue = e.Crash.Issue
		}
		if len(input) < rc.Input.Size {
			s.setSignature(rc, c)
			if err := into.writeReproducer(input, orig, output); err != nil {
				return Entry{}, err
			}
			rc.Minimized = e.Crash.Minimized
		}
		if err := into.Save(); err != nil {
			return Entry{}, err
		}
		return into, os.RemoveAll(e.Path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Entry{}, fmt.Errorf("%w (not moving %s over it)", err, e.Path)
	}
	rc := e.Crash
	rc.ID = id
	s.setSignature(rc, c)
	if err := os.Rename(e.Path, newPath); err != nil {
		return Entry{}, &Error{Path: newPath, Err: fmt.Errorf("rename %s: %w", e.Path, err)}
	}
	moved := Entry{Path: newPath, Crash: rc}
	if err := atomicfile.Write(moved.File(OutputFile), output, 0o644); err != nil {
		return Entry{}, err
	}
	return moved, moved.Save()
}
