// Package triage owns what happens to a crash after it is stored: replaying
// stored crashers against the current code to set their status (open, fixed,
// flaky), ingesting crashers others dropped in crashers/_incoming, shrinking
// a crasher with internal/minimize while it keeps its signature, and turning
// fixed crashers into regression inputs under a package's testdata/fuzz.
// It runs inputs through internal/engine's Replay.
package triage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// strictEnv is the environment triage's replays add: every suppression and
// tolerance of the harness off. It is given to each process a replay starts,
// never set in this process's own environment, which the fuzzing processes
// a runner starts after a triage replay inherit (they would then store every
// tolerated known bug as a new crash).
var strictEnv = []string{harness.NoSuppressEnv + "=1"}

// ReplayFunc runs one input; engine.Replay is the real one.
type ReplayFunc func(ctx context.Context, opts engine.ReplayOptions) (engine.ReplayResult, error)

// Triager replays crashers of one module. The zero value of every field but
// Store is valid.
type Triager struct {
	Store   *crashstore.Store
	Targets []target.Target // the module's targets; nil means target.Discover

	Replay     ReplayFunc    // nil means engine.Replay with a test binary built once per package
	Attempts   int           // replays before calling a crasher fixed; 0 means 3
	Timeout    time.Duration // per-replay hang deadline; 0 means engine.DefaultHangTimeout
	MemLimitMB int           // per-replay memory limit; 0 means none
	Now        func() time.Time

	// InProcess minimises panics and oracle failures with many candidates
	// per test process (see inproc.go) rather than a replay per candidate.
	InProcess bool

	// replayRecorded replays through the recorded harness; nil means
	// replayRecordedHarness. Tests replace it to stay off git and go build.
	replayRecorded func(ctx context.Context, e crashstore.Entry, t target.Target, input []byte) (Outcome, string, error)

	mu     sync.Mutex
	bins   map[string]string // package dir -> test binary
	inproc map[string]*coverage.Binary
	tmp    string
}

// Close removes the test binaries the triager built.
func (tr *Triager) Close() error {
	for _, b := range tr.inproc {
		b.Close()
	}
	tr.inproc = nil
	if tr.tmp != "" {
		return os.RemoveAll(tr.tmp)
	}
	return nil
}

func (tr *Triager) now() time.Time {
	if tr.Now != nil {
		return tr.Now().UTC()
	}
	return time.Now().UTC()
}

// TargetError reports a crash whose target no longer exists in the module.
type TargetError struct {
	Report string // the crash's report.json
	Target string // pkgdir:FuzzXxx
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("%s: target %s no longer exists in the module (package or fuzz test removed or renamed); the crash is kept as it is: delete its directory if the target is gone for good, or move it under the new target's name", e.Report, e.Target)
}

// ErrNoTarget is wrapped by TargetError.
var ErrNoTarget = errors.New("target no longer exists")

func (e *TargetError) Unwrap() error { return ErrNoTarget }

// targets returns the module's targets, discovering them once.
func (tr *Triager) targets() ([]target.Target, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.Targets == nil {
		ts, err := target.Discover(tr.Store.ModuleRoot)
		if err != nil {
			return nil, err
		}
		tr.Targets = ts
	}
	return tr.Targets, nil
}

// TargetOf resolves a crash's target.
func (tr *Triager) TargetOf(e crashstore.Entry) (target.Target, error) {
	ts, err := tr.targets()
	if err != nil {
		return target.Target{}, err
	}
	for _, t := range ts {
		if t.Dir == e.Crash.Dir && t.Name == e.Crash.Target {
			return t, nil
		}
	}
	return target.Target{}, &TargetError{Report: e.File(crashstore.ReportFile), Target: e.Crash.TargetID()}
}

// Outcome is one replay, classified.
type Outcome struct {
	Failed bool
	Crash  signature.Crash // the crash the replay showed, if Failed
	Output []byte
	Kind   string // the replayer's own observation: hang, oom or ""
}

// Run replays input against t once. Replays see every crash: the harness's
// suppression list is off in the processes they start (strictEnv), or a
// suppressed crash would look fixed.
func (tr *Triager) Run(ctx context.Context, t target.Target, input []byte) (Outcome, error) {
	bin := ""
	if tr.Replay == nil {
		var err error
		if bin, err = tr.binary(ctx, t); err != nil {
			return Outcome{}, err
		}
	}
	return tr.runWith(ctx, t, input, bin)
}

// runWith replays input against t with the test binary bin.
func (tr *Triager) runWith(ctx context.Context, t target.Target, input []byte, bin string) (Outcome, error) {
	opts := engine.ReplayOptions{
		ModuleRoot: tr.Store.ModuleRoot, Target: t, Input: input,
		Timeout: tr.Timeout, MemLimitMB: tr.MemLimitMB, Binary: bin,
		Env: strictEnv,
	}
	replay := tr.Replay
	if replay == nil {
		replay = engine.Replay
	}
	res, err := replay(ctx, opts)
	if err != nil {
		return Outcome{}, fmt.Errorf("replay %s: %w", t.ID(), err)
	}
	o := Outcome{Failed: res.Failed, Output: res.Output, Kind: res.Kind}
	if res.Failed || res.Kind != "" {
		o.Failed = true
		c, err := signature.Parse(res.Output, res.Kind)
		if err != nil {
			// It failed in a way no signature describes: keep it as a
			// generic failure so the output is not lost.
			c = signature.Crash{Sig: signature.Signature{Kind: signature.KindFail, Message: "unrecognised failure"}}
		}
		o.Crash = c
	}
	return o, nil
}

// binary builds the test binary of t's package once per triager.
func (tr *Triager) binary(ctx context.Context, t target.Target) (string, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if bin, ok := tr.bins[t.Dir]; ok {
		return bin, nil
	}
	if tr.tmp == "" {
		dir, err := os.MkdirTemp("", "fuzzrun-triage-")
		if err != nil {
			return "", err
		}
		tr.tmp = dir
	}
	bin, err := engine.Build(ctx, tr.Store.ModuleRoot, t, tr.tmp)
	if err != nil {
		return "", err
	}
	if tr.bins == nil {
		tr.bins = map[string]string{}
	}
	tr.bins[t.Dir] = bin
	return bin, nil
}

// Result is the triage of one stored crash.
type Result struct {
	Entry    crashstore.Entry
	Previous string // status before
	Err      error  // the crash could not be replayed; its status is unchanged
	// Reclassified is the entry the input fails as now, when that is
	// another signature (the entry is then a duplicate of it).
	Reclassified *crashstore.Entry
	// Renamed is the entry's id before triage when the same crash has
	// another id under today's signatures; Entry is under the new one.
	Renamed string
	// NoReproducer: the entry has no input to replay (report.Crash), so
	// nothing was replayed and its status is unchanged.
	NoReproducer bool
}

// Triage replays every entry in strict mode (every suppression and
// tolerance off) and sets its status:
//   - open when the first replay reproduces its signature, flaky when a
//     later one does;
//   - duplicate of X when a replay fails with signature X instead: X is
//     recorded (new or not) with this input and carries the bug from now on;
//   - fixed when none of Attempts fails, recording the dependency versions
//     it was fixed with. When the target package's code changed since the
//     crash was recorded (its harness hash differs), a pass proves nothing
//     about the library: the input is replayed once more through the
//     harness it was recorded with (see replayRecordedHarness) and only a
//     pass there too is fixed;
//   - stale when a library crash passes today and the library is at the
//     version it crashed with, or the recorded harness fails as another
//     signature (no duplicate: nothing fails today), or when an oracle
//     violation a finding lists (a library bug, findings/) passes with no
//     dependency changed: the bug stands, and needs a new reproducer.
func (tr *Triager) Triage(ctx context.Context, entries []crashstore.Entry) []Result {
	var out []Result
	for _, e := range entries {
		r := Result{Entry: e, Previous: e.Crash.Status}
		r.Err = tr.triageOne(ctx, &r)
		out = append(out, r)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

func (tr *Triager) triageOne(ctx context.Context, r *Result) error {
	e := r.Entry
	t, err := tr.TargetOf(e)
	if err != nil {
		return err
	}
	if e.Crash.NoReproducer {
		r.NoReproducer = true // a verdict needs a replay
		return nil
	}
	input, err := e.Input()
	if err != nil {
		return &crashstore.Error{Path: e.File(crashstore.InputFile), Err: err}
	}
	attempts := tr.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	tri := &report.Triage{At: tr.now()}
	other := ""
	for i := 0; i < attempts && other == ""; i++ {
		o, err := tr.Run(ctx, t, input)
		if err != nil {
			return err
		}
		tri.Attempts++
		if !o.Failed {
			continue
		}
		id := o.Crash.Sig.ID()
		if id == e.Crash.ID {
			tri.Reproduced++
			break // one reproduction settles it
		}
		if tr.sameCrashRenamed(e, o) {
			// The signature scheme changed, not the crash: the stored
			// output parses to the new id too. Move the entry, history and
			// all, and triage it under its new name.
			oldID, oldKey := e.Crash.ID, e.Crash.StoreKey()
			moved, err := tr.Store.Rekey(e, o.Crash, o.Output)
			if err != nil {
				return fmt.Errorf("%s is %s under today's signatures and could not be renamed: %w", oldKey, id, err)
			}
			r.Renamed = oldID
			r.Entry, e = moved, moved
			tri.Reproduced++
			break
		}
		tri.Other = appendOnce(tri.Other, id)
		rec, err := tr.recordOther(e, t, input, o)
		if err != nil {
			return fmt.Errorf("%s fails as %s now, which could not be stored: %w", e.Crash.StoreKey(), id, err)
		}
		other = rec.Crash.ID
		r.Reclassified = &rec
	}
	// recordedOther: the input passes today, and fails through the
	// recorded harness as another signature. That is no duplicate (today's
	// code does not fail, so nothing under that id reproduces) and no fix
	// (the library still crashes on it): the entry is stale.
	recordedOther := false
	if tri.Reproduced == 0 && other == "" && libraryCrash(e.Crash) && tr.crashModule(e.Crash) != "" && harnessChanged(tr.Store, e.Crash) {
		replayRecorded := tr.replayRecorded
		if replayRecorded == nil {
			replayRecorded = tr.replayRecordedHarness
		}
		o, commit, err := replayRecorded(ctx, e, t, input)
		if err != nil {
			return fmt.Errorf("%s passes with today's harness of %s, which changed since the crash was recorded, and could not be replayed with the recorded one (%w); status left %s", e.Crash.StoreKey(), t.ID(), err, e.Crash.Status)
		}
		tri.Harness = commit
		switch {
		case o.Failed && o.Crash.Sig.ID() == e.Crash.ID:
			tri.Reproduced++
		case o.Failed && tr.sameCrashRenamed(e, o):
			oldID := e.Crash.ID
			moved, err := tr.Store.Rekey(e, o.Crash, o.Output)
			if err != nil {
				return fmt.Errorf("%s is %s under today's signatures and could not be renamed: %w", e.Crash.StoreKey(), o.Crash.Sig.ID(), err)
			}
			r.Renamed = oldID
			r.Entry, e = moved, moved
			tri.Reproduced++
		case o.Failed:
			tri.Other = appendOnce(tri.Other, o.Crash.Sig.ID())
			recordedOther = true
		}
	}
	c := e.Crash
	c.Triage = tri
	switch {
	case tri.Reproduced > 0 && (tri.Attempts == 1 || tri.Harness != ""):
		// Reproduced at once, or deterministically through the recorded
		// harness after today's passed.
		c.Status, c.FixedIn, c.DuplicateOf = report.StatusOpen, nil, ""
	case tri.Reproduced > 0:
		c.Status, c.FixedIn, c.DuplicateOf = report.StatusFlaky, nil, ""
	case other != "":
		c.Status, c.FixedIn, c.DuplicateOf = report.StatusDuplicate, nil, other
	case libraryCrash(c) && (recordedOther || tr.libraryUnchanged(c)):
		c.Status, c.FixedIn, c.DuplicateOf = report.StatusStale, nil, ""
	case c.Kind == signature.KindOracle && c.Finding != nil && c.Finding.Status != "fixed" && tr.depsUnchanged(c):
		// A finding lists it: a library bug a standalone program shows,
		// not a false positive of the oracle. With no dependency changed
		// the library still has it; the harness stopped reaching it.
		c.Status, c.FixedIn, c.DuplicateOf = report.StatusStale, nil, ""
	default:
		if c.Status != report.StatusFixed || c.FixedIn == nil {
			c.FixedIn = tr.depsNow(c.Dir)
		}
		c.Status, c.DuplicateOf = report.StatusFixed, ""
	}
	return e.Save()
}

// sameCrashRenamed reports whether the replay's crash is the entry's own
// crash under a newer signature scheme: the entry's stored output parses to
// the replay's id today.
func (tr *Triager) sameCrashRenamed(e crashstore.Entry, o Outcome) bool {
	out, err := os.ReadFile(e.File(crashstore.OutputFile))
	if err != nil {
		return false
	}
	hint := ""
	if k := e.Crash.Kind; k == signature.KindHang || k == signature.KindOOM {
		hint = k
	}
	c, err := signature.Parse(out, hint)
	return err == nil && c.Sig.ID() == o.Crash.Sig.ID() && c.Sig.Kind == e.Crash.Kind
}

// libraryUnchanged reports whether the module of the crash's innermost
// non-standard frame is linked today at the version recorded with the
// crash: then a passing input cannot mean the library was fixed.
func (tr *Triager) libraryUnchanged(c *report.Crash) bool {
	mod := tr.crashModule(c)
	if mod == "" {
		return false // the crash is in no recorded dependency
	}
	recorded := ""
	for _, m := range c.Deps {
		if m.Path == mod {
			recorded = m.Version
		}
	}
	for _, m := range tr.depsNow(c.Dir) {
		if m.Path == mod {
			return m.Version == recorded
		}
	}
	return false
}

// depsUnchanged reports whether every dependency recorded with the crash
// is linked today at the version recorded.
func (tr *Triager) depsUnchanged(c *report.Crash) bool {
	if len(c.Deps) == 0 {
		return false
	}
	now := map[string]string{}
	for _, m := range tr.depsNow(c.Dir) {
		now[m.Path] = m.Version
	}
	for _, m := range c.Deps {
		if now[m.Path] != m.Version {
			return false
		}
	}
	return true
}

// crashModule is the recorded dependency module holding the crash's
// innermost frame that is in one, or "" when the crash is in the module's
// own code (then a change of the target package may well be the fix).
func (tr *Triager) crashModule(c *report.Crash) string {
	own := tr.Store.ModulePath()
	for _, f := range c.Frames {
		// The longest module path that holds the frame's package owns it.
		best := ""
		for _, p := range append([]string{own}, modulePaths(c.Deps)...) {
			if p != "" && (strings.HasPrefix(f, p+".") || strings.HasPrefix(f, p+"/")) && len(p) > len(best) {
				best = p
			}
		}
		if best != "" && best != own {
			return best
		}
	}
	return ""
}

func modulePaths(ms []report.Module) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Path
	}
	return out
}

// libraryCrash reports whether a crash is the library's own failure (a
// panic, a fatal error, a hang, an oom), which does not depend on the
// harness's oracles: only those, and only in a dependency (crashModule), are
// replayed through the harness they were recorded with. An oracle violation that passes after the harness changed
// is fixed: the oracle is part of the harness, and a corrected oracle is
// how a false positive goes away.
func libraryCrash(c *report.Crash) bool {
	switch c.Kind {
	case signature.KindPanic, signature.KindFatal, signature.KindHang, signature.KindOOM:
		return true
	}
	return false
}

// recordOther stores a different crash a replay showed, so it is not lost.
func (tr *Triager) recordOther(e crashstore.Entry, t target.Target, input []byte, o Outcome) (crashstore.Entry, error) {
	obs := crashstore.Observe(Ref(t), input, o.Output, o.Kind, "triage replay of "+e.Crash.StoreKey(), tr.now())
	obs.Replay = true
	rec, _, err := tr.Store.Record(obs)
	return rec, err
}

func (tr *Triager) depsNow(dir string) []report.Module {
	f := tr.Store.Deps
	if f == nil {
		f = crashstore.GoListDeps
	}
	m, err := f(tr.Store.ModuleRoot, dir)
	if err != nil {
		return nil
	}
	return m
}

// Ref is the store's name of a target.
func Ref(t target.Target) crashstore.TargetRef {
	return crashstore.TargetRef{Name: t.Name, ImportPath: t.ImportPath, Dir: t.Dir}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
