package triage

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// panicOutput is go test's report of the toy bug for an input.
func panicOutput(n int) []byte {
	return []byte(strings.ReplaceAll(`--- FAIL: FuzzParse (0.00s)
panic: runtime error: index out of range [N] with length 2 [recovered, repanicked]

goroutine 7 [running]:
panic({0x1, 0x2})
	/usr/local/go/src/runtime/panic.go:860 +0x13a
example.com/toy/parse.readIndex(...)
	/toy/parse/parse.go:5
example.com/toy/parse.Parse({0x1, 0x2, 0x3})
	/toy/parse/parse.go:9 +0x10
FAIL	example.com/toy/parse	0.01s
`, "N", string(rune('0'+n%10))))
}

var toyTarget = target.Target{Name: "FuzzParse", ImportPath: "example.com/toy/parse", Dir: "parse"}

// fakeReplay crashes on inputs starting with "i" while crashing is true,
// and on every other call when flaky is set.
type fakeReplay struct {
	crashing, flaky bool
	calls           int
}

func (f *fakeReplay) replay(_ context.Context, o engine.ReplayOptions) (engine.ReplayResult, error) {
	f.calls++
	if o.Target != toyTarget {
		return engine.ReplayResult{}, os.ErrInvalid
	}
	crash := f.crashing && strings.HasPrefix(string(o.Input), "i")
	if f.flaky {
		crash = f.calls%2 == 0 && strings.HasPrefix(string(o.Input), "i")
	}
	if !crash {
		return engine.ReplayResult{Output: []byte("PASS\n")}, nil
	}
	return engine.ReplayResult{Failed: true, Output: panicOutput(len(o.Input))}, nil
}

func newTriager(t *testing.T, f *fakeReplay) *Triager {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/toy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := crashstore.Open(root)
	version := "v1.0.0"
	s.Deps = func(string, string) ([]report.Module, error) {
		return []report.Module{{Path: "example.com/dep", Version: version}}, nil
	}
	return &Triager{Store: s, Targets: []target.Target{toyTarget}, Replay: f.replay}
}

func record(t *testing.T, tr *Triager, input string) crashstore.Entry {
	t.Helper()
	e, _, err := tr.Store.Record(crashstore.Observation{
		Target: "FuzzParse", Package: toyTarget.ImportPath, Dir: "parse",
		Input: []byte(input), Output: panicOutput(len(input)), Seen: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestTriageStatuses(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	e := record(t, tr, "ix-long")

	r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err != nil || e.Crash.Status != report.StatusOpen || e.Crash.Triage.Reproduced != 1 || e.Crash.Triage.Attempts != 1 {
		t.Fatalf("while it crashes: %+v %+v", r.Err, e.Crash.Triage)
	}

	f.crashing = false // the code was fixed
	r = tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err != nil || e.Crash.Status != report.StatusFixed || e.Crash.Triage.Attempts != 3 || len(e.Crash.FixedIn) != 1 {
		t.Fatalf("after the fix: %v %+v fixed_in %v", r.Err, e.Crash.Triage, e.Crash.FixedIn)
	}
	saved, err := crashstore.Load(e.Path)
	if err != nil || saved.Crash.Status != report.StatusFixed {
		t.Fatalf("status not saved: %v", err)
	}

	f.flaky = true
	tr.Triage(context.Background(), []crashstore.Entry{e})
	if e.Crash.Status != report.StatusFlaky || e.Crash.FixedIn != nil {
		t.Fatalf("flaky: %+v", e.Crash)
	}
}

func TestTriageMissingTarget(t *testing.T) {
	tr := newTriager(t, &fakeReplay{crashing: true})
	e := record(t, tr, "ix")
	tr.Targets = []target.Target{{Name: "FuzzOther", Dir: "parse"}}
	r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), filepath.Join(e.Path, "report.json")) || !strings.Contains(r.Err.Error(), "parse:FuzzParse no longer exists") {
		t.Fatalf("err = %v", r.Err)
	}
	if e.Crash.Status != report.StatusOpen {
		t.Errorf("status changed to %s", e.Crash.Status)
	}
}

func TestIngest(t *testing.T) {
	tr := newTriager(t, &fakeReplay{crashing: true})
	in := filepath.Join(tr.Store.Root, IncomingDir, "FuzzParse")
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(in, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("withlog", "go test fuzz v1\n[]byte(\"ixxxx\")\n")
	write("withlog.log", string(panicOutput(5)))
	write("raw", "iy") // no log: replayed
	write("stale", "ok")
	write("bad", "go test fuzz v1\n[]byte(\"unterminated)\n")

	got := map[string]Ingested{}
	for _, r := range tr.Ingest(context.Background()) {
		got[filepath.Base(r.File)] = r
	}
	// Files are ingested in name order: "raw" (replayed) is new, "withlog"
	// (from its log) is the same bug.
	if r := got["raw"]; r.Err != nil || !r.New {
		t.Errorf("raw: %+v", r)
	}
	if r := got["withlog"]; r.Err != nil || r.New || r.Entry.Crash.Count != 2 {
		t.Errorf("withlog: %+v", r)
	}
	if in, _ := got["raw"].Entry.Input(); string(in) != "iy" {
		t.Errorf("reproducer %q, want the smaller input", in)
	}
	for _, name := range []string{"stale", "bad"} {
		if r := got[name]; r.Err == nil || !strings.Contains(r.Err.Error(), filepath.Join(in, name)) {
			t.Errorf("%s: err = %v, want one naming the file", name, r.Err)
		}
		if _, err := os.Stat(filepath.Join(in, name)); err != nil {
			t.Errorf("%s was not left in place: %v", name, err)
		}
	}
	for _, name := range []string{"withlog", "withlog.log", "raw"} {
		if _, err := os.Stat(filepath.Join(in, name)); !os.IsNotExist(err) {
			t.Errorf("%s still in _incoming after it was stored", name)
		}
	}
	// The same file back in _incoming (a commit kept the entry but not
	// the file's removal) is the same sighting: ee39262538ce counted one
	// file twice.
	os.Remove(filepath.Join(in, "stale"))
	os.Remove(filepath.Join(in, "bad"))
	write("withlog", "go test fuzz v1\n[]byte(\"ixxxx\")\n")
	write("withlog.log", string(panicOutput(5)))
	if rs := tr.Ingest(context.Background()); len(rs) != 1 || rs[0].Err != nil || rs[0].Entry.Crash.Count != 2 {
		t.Errorf("the same file ingested again: %+v", rs)
	}
	// Another file is another sighting.
	write("other", "go test fuzz v1\n[]byte(\"ixxxx\")\n")
	write("other.log", string(panicOutput(5)))
	if rs := tr.Ingest(context.Background()); len(rs) != 1 || rs[0].Err != nil || rs[0].Entry.Crash.Count != 3 {
		t.Errorf("another file: %+v", rs)
	}
}

func TestRegress(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	e := record(t, tr, "iz")
	if rs := tr.Regress(context.Background(), []crashstore.Entry{e}, false, false); len(rs) != 0 {
		t.Fatalf("an open crash was regressed: %+v", rs)
	}
	f.crashing = false
	tr.Triage(context.Background(), []crashstore.Entry{e})
	rs := tr.Regress(context.Background(), []crashstore.Entry{e}, false, false)
	if len(rs) != 1 || rs[0].Err != nil || !rs[0].Written {
		t.Fatalf("regress: %+v", rs)
	}
	data, err := os.ReadFile(rs[0].Path)
	if err != nil || string(data) != "go test fuzz v1\n[]byte(\"iz\")\n" {
		t.Fatalf("regression file %s: %q %v", rs[0].Path, data, err)
	}
	if want := filepath.Join(tr.Store.ModuleRoot, "parse", "testdata", "fuzz", "FuzzParse", e.Crash.ID); rs[0].Path != want {
		t.Errorf("path %s, want %s", rs[0].Path, want)
	}
	// A different file already there is reported, not overwritten.
	os.WriteFile(rs[0].Path, []byte("mine"), 0o644)
	rs = tr.Regress(context.Background(), []crashstore.Entry{e}, false, false)
	if rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "not overwriting") {
		t.Fatalf("overwrite: %+v", rs[0])
	}
	if data, _ := os.ReadFile(rs[0].Path); string(data) != "mine" {
		t.Errorf("file overwritten: %q", data)
	}
	// A crash marked fixed that crashes again is refused.
	os.Remove(rs[0].Path)
	f.crashing = true
	rs = tr.Regress(context.Background(), []crashstore.Entry{e}, false, false)
	if rs[0].Err == nil || rs[0].Written {
		t.Fatalf("regressed a crashing input: %+v", rs[0])
	}
}

func TestMinimizeEntry(t *testing.T) {
	tr := newTriager(t, &fakeReplay{crashing: true})
	e := record(t, tr, "i-some-long-input")
	m, err := tr.MinimizeEntry(context.Background(), e, minimizeOpts)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Input) != "i" || !e.Crash.Minimized || e.Crash.Input.Size != 1 || e.Crash.Original.Size != len("i-some-long-input") {
		t.Fatalf("minimised %q; report %+v", m.Input, e.Crash)
	}
	if _, err := crashstore.Load(e.Path); err != nil {
		t.Fatalf("store inconsistent after minimising: %v", err)
	}
	// A minimisation whose budget ran out is not a minimised reproducer:
	// 'minimize -all' takes the entry again and continues.
	tr = newTriager(t, &fakeReplay{crashing: true})
	e = record(t, tr, "ij-"+strings.Repeat("another-long-input", 20))
	opts := minimizeOpts
	opts.MaxRuns = 1
	if m, err = tr.MinimizeEntry(context.Background(), e, opts); err != nil || m.Complete {
		t.Fatalf("a budget of 1 run: complete %v, err %v", m.Complete, err)
	}
	if e.Crash.Minimized || !e.Crash.Minimizable() {
		t.Errorf("budget spent, yet the entry is marked minimised (minimize -all would skip it)")
	}
}

// An input that now fails with another signature is a duplicate of that
// entry, which is stored; regress of an entry that is not fixed says why.
func TestTriageDuplicateAndRegressRefusal(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	e := record(t, tr, "iq")
	other := strings.Replace(string(panicOutput(2)), "readIndex", "readOther", 1)
	tr.Replay = func(ctx context.Context, o engine.ReplayOptions) (engine.ReplayResult, error) {
		return engine.ReplayResult{Failed: true, Output: []byte(other)}, nil
	}
	r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err != nil || e.Crash.Status != report.StatusDuplicate || r.Reclassified == nil || e.Crash.DuplicateOf != r.Reclassified.Crash.ID {
		t.Fatalf("duplicate: err %v status %s of %q, reclassified %+v", r.Err, e.Crash.Status, e.Crash.DuplicateOf, r.Reclassified)
	}
	if got := e.Crash.StatusText(); got != "duplicate of "+r.Reclassified.Crash.ID {
		t.Errorf("StatusText = %q", got)
	}
	// Triaging the duplicate again replays the same input: the crash it
	// duplicates was seen once, however often triage runs.
	for range 2 {
		r = tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	}
	if r.Err != nil || r.Reclassified == nil || r.Reclassified.Crash.Count != 1 {
		t.Fatalf("after three triage runs: err %v, reclassified %+v", r.Err, r.Reclassified)
	}
	rs := tr.Regress(context.Background(), []crashstore.Entry{e}, false, true)
	if len(rs) != 1 || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "is duplicate of "+r.Reclassified.Crash.ID) {
		t.Fatalf("regress of a duplicate: %+v", rs)
	}
	if rs := tr.Regress(context.Background(), []crashstore.Entry{e}, false, false); len(rs) != 0 {
		t.Fatalf("regress of the whole store listed a duplicate: %+v", rs)
	}
}

// In-process minimisation of a real panic in a toy module: many candidates
// per test process, the same result a replay per candidate gives.
func TestMinimizeInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two test binaries")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../coverage/testdata/toymod")); err != nil {
		t.Fatal(err)
	}
	tt := target.Target{Name: "FuzzParse", ImportPath: "example.com/toymod/toy", Dir: "toy"}
	tr := &Triager{Store: crashstore.Open(root), Targets: []target.Target{tt}, InProcess: true, Timeout: 5 * time.Second}
	tr.Store.Deps = func(string, string) ([]report.Module, error) { return nil, nil }
	defer tr.Close()
	m, err := tr.MinimizeInput(context.Background(), tt, []byte("!!-a-long-tail-of-junk-0123456789"), minimizeOpts)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Input) != "!!" || m.Runs < 10 || !m.Complete {
		t.Fatalf("minimised to %q in %d runs (complete %v)", m.Input, m.Runs, m.Complete)
	}
	if m.Crash.Sig.Kind != "panic" || !strings.Contains(m.Crash.Sig.Message, "double bang") {
		t.Errorf("crash %+v", m.Crash.Sig)
	}
}

// An entry stored under an older signature scheme is renamed, history and
// all, not called a duplicate of itself.
func TestTriageRenamesOldSignatures(t *testing.T) {
	tr := newTriager(t, &fakeReplay{crashing: true})
	e := record(t, tr, "ix")
	id := e.Crash.ID
	e.Crash.Count = 7
	old := filepath.Join(filepath.Dir(e.Path), "0ldid0ldid00")
	e.Crash.ID = "0ldid0ldid00"
	if err := os.Rename(e.Path, old); err != nil {
		t.Fatal(err)
	}
	e.Path = old
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err != nil || r.Renamed != "0ldid0ldid00" || r.Entry.Crash.ID != id || r.Entry.Crash.Count != 7 || r.Entry.Crash.Status != report.StatusOpen {
		t.Fatalf("rename: err %v renamed %q entry %+v", r.Err, r.Renamed, r.Entry.Crash)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old directory left: %v", err)
	}
	if _, err := crashstore.Load(r.Entry.Path); err != nil {
		t.Errorf("renamed entry does not load: %v", err)
	}
}

// A library panic whose input passes today while the library is at the
// version it crashed with is stale, not fixed: the harness moved, the bug
// did not (d5af7810c604).
func TestTriageStaleNotFixed(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	e, _, err := tr.Store.Record(crashstore.Observation{
		Target: "FuzzParse", Package: toyTarget.ImportPath, Dir: "parse", Input: []byte("ix"),
		Output: []byte(strings.ReplaceAll(string(panicOutput(2)), "example.com/toy/parse.readIndex", "example.com/dep/lib.Read")),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.crashing = false
	if r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]; r.Err != nil || e.Crash.Status != report.StatusStale {
		t.Fatalf("library unchanged: %v status %s", r.Err, e.Crash.Status)
	}
	tr.Store.Deps = func(string, string) ([]report.Module, error) {
		return []report.Module{{Path: "example.com/dep", Version: "v1.0.1"}}, nil
	}
	if r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]; r.Err != nil || e.Crash.Status != report.StatusFixed {
		t.Fatalf("library upgraded: %v status %s", r.Err, e.Crash.Status)
	}
}

// A library crash that passes today, after its harness changed, and fails
// through the recorded harness as another signature is stale: no
// duplicate of an id nothing reproduces today (and that the store does not
// hold), and not fixed, since the library still crashes on it.
func TestTriageRecordedHarnessOtherIsStale(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	libOutput := strings.ReplaceAll(string(panicOutput(2)), "example.com/toy/parse.readIndex", "example.com/dep/lib.Read")
	e, _, err := tr.Store.Record(crashstore.Observation{
		Target: "FuzzParse", Package: toyTarget.ImportPath, Dir: "parse", Input: []byte("ix"), Output: []byte(libOutput),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The harness changed since: its package has other code now.
	if err := os.MkdirAll(filepath.Join(tr.Store.ModuleRoot, "parse"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tr.Store.ModuleRoot, "parse", "parse.go"), []byte("package parse\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr.Store.Deps = func(string, string) ([]report.Module, error) {
		return []report.Module{{Path: "example.com/dep", Version: "v1.0.1"}}, nil // upgraded
	}
	f.crashing = false
	other := strings.ReplaceAll(libOutput, "example.com/dep/lib.Read", "example.com/dep/lib.Other")
	tr.replayRecorded = func(context.Context, crashstore.Entry, target.Target, []byte) (Outcome, string, error) {
		c, err := signature.Parse([]byte(other), "")
		return Outcome{Failed: true, Crash: c, Output: []byte(other)}, "0123456789ab", err
	}
	r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]
	if r.Err != nil || e.Crash.Status != report.StatusStale || e.Crash.DuplicateOf != "" || r.Reclassified != nil {
		t.Fatalf("recorded harness fails as another signature: err %v, status %q of %q", r.Err, e.Crash.Status, e.Crash.DuplicateOf)
	}
	if tri := e.Crash.Triage; tri.Harness != "0123456789ab" || len(tri.Other) != 1 {
		t.Errorf("triage %+v: want the commit and the other signature", tri)
	}
	if entries, _ := tr.Store.List(); len(entries) != 1 {
		t.Errorf("%d entries: a signature today's code does not show was stored", len(entries))
	}
}

// An oracle violation that a finding lists (a library bug shown by a
// standalone program) and that passes while no dependency changed is stale:
// the harness stopped reaching it, the library did not fix it. Without a
// finding the oracle may have been wrong, and a pass is fixed.
func TestTriageFindingOracleNotFixed(t *testing.T) {
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	oracle := "--- FAIL: FuzzParse (0.00s)\n    fuzz_test.go:9: oracle roundtrip violated at Answer.Hdr: lost\nFAIL\n"
	e, _, err := tr.Store.Record(crashstore.Observation{
		Target: "FuzzParse", Package: toyTarget.ImportPath, Dir: "parse", Input: []byte("ix"), Output: []byte(oracle),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.crashing = false
	if r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]; r.Err != nil || e.Crash.Status != report.StatusFixed {
		t.Fatalf("oracle violation without a finding: %v status %s", r.Err, e.Crash.Status)
	}
	dir := filepath.Join(tr.Store.ModuleRoot, "findings", "dep-bug")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	finding := `{"id": "dep-bug", "title": "t", "status": "unreported", "signatures": ["` + e.Crash.ID + `"]}`
	if err := os.WriteFile(filepath.Join(dir, "finding.json"), []byte(finding), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Crash.Status = report.StatusOpen
	if err := e.Save(); err != nil { // refreshes e.Crash.Finding
		t.Fatal(err)
	}
	if r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]; r.Err != nil || e.Crash.Status != report.StatusStale {
		t.Fatalf("oracle violation a finding lists, deps unchanged: %v status %s", r.Err, e.Crash.Status)
	}
	tr.Store.Deps = func(string, string) ([]report.Module, error) {
		return []report.Module{{Path: "example.com/dep", Version: "v1.0.1"}}, nil
	}
	if r := tr.Triage(context.Background(), []crashstore.Entry{e})[0]; r.Err != nil || e.Crash.Status != report.StatusFixed {
		t.Fatalf("oracle violation a finding lists, dependency upgraded: %v status %s", r.Err, e.Crash.Status)
	}
}

// Replays run strict (every suppression off) through their own process's
// environment only: the triager's process keeps its environment, which the
// fuzzing processes a runner starts after a replay inherit.
func TestReplayStrictOnlyInTheReplay(t *testing.T) {
	if v, ok := os.LookupEnv(harness.NoSuppressEnv); ok {
		t.Skipf("%s=%s is set for this test process", harness.NoSuppressEnv, v)
	}
	f := &fakeReplay{crashing: true}
	tr := newTriager(t, f)
	var env []string
	tr.Replay = func(ctx context.Context, o engine.ReplayOptions) (engine.ReplayResult, error) {
		env = o.Env
		return f.replay(ctx, o)
	}
	if _, err := tr.Run(context.Background(), toyTarget, []byte("iq")); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(env, harness.NoSuppressEnv+"=1") {
		t.Errorf("replay environment %q lacks %s=1", env, harness.NoSuppressEnv)
	}
	if v, ok := os.LookupEnv(harness.NoSuppressEnv); ok {
		t.Errorf("the triager's own environment has %s=%s after a replay", harness.NoSuppressEnv, v)
	}
}
