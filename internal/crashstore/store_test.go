package crashstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// Outputs of the same index-out-of-range bug from two inputs (different
// numbers in the message), and of a different bug.
const (
	indexOut105 = `--- FAIL: FuzzParse (0.00s)
    --- FAIL: FuzzParse/ii (0.00s)
panic: runtime error: index out of range [105] with length 6 [recovered, repanicked]

goroutine 20 [running]:
testing.tRunner.func1.2({0x5fc8e0, 0x1b2dc1b76030})
	/usr/local/go/src/testing/testing.go:1974 +0x232
panic({0x5fc8e0?, 0x1b2dc1b76030?})
	/usr/local/go/src/runtime/panic.go:860 +0x13a
example.com/toy/parse.readIndex(...)
	/tmp/toy/parse/parse.go:53
example.com/toy/parse.Parse({0x1b2dc1b06228?, 0x1b2dc1b84000?, 0x4?})
	/tmp/toy/parse/parse.go:15 +0x374
github.com/daemonfuzz/daemonfuzz/internal/harness.Check({0x626748, 0x1b2dc1b70248}, {0x1b2dc1b06228, 0x6, 0x8}, 0x6225e0)
	/work/main/internal/harness/harness.go:72 +0x55
example.com/toy/parse.FuzzParse.func1(0x0?, {0x1b2dc1b06228?, 0x0?, 0x489433?})
	/tmp/toy/parse/fuzz_test.go:11 +0x32
FAIL	example.com/toy/parse	0.016s
`
	nilDeref = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x5a6114]

goroutine 18 [running]:
example.com/toy/parse.Parse({0xbdb8f9921d8?, 0xbdb8f9dc000?, 0x4?})
	/tmp/toy/parse/parse.go:19 +0x194
github.com/daemonfuzz/daemonfuzz/internal/harness.Check({0x626748, 0xbdb8f9ba248}, {0xbdb8f9921d8, 0x6, 0x8}, 0x6225e0)
	/work/main/internal/harness/harness.go:72 +0x55
`
)

var indexOut7 = strings.ReplaceAll(indexOut105, "[105] with length 6", "[7] with length 3")

func testStore(t *testing.T) *Store {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/toy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Open(root)
	s.Deps = func(string, string) ([]report.Module, error) {
		return []report.Module{{Path: "github.com/miekg/dns", Version: "v1.1.50"}}, nil
	}
	return s
}

func obs(input, output string, seen int) Observation {
	return Observation{
		Target: "FuzzParse", Package: "example.com/toy/parse", Dir: "parse",
		Input: []byte(input), Output: []byte(output), Source: "test",
		Seen: time.Date(2026, 1, 1, 0, seen, 0, 0, time.UTC),
	}
}

func TestRecordDedupes(t *testing.T) {
	s := testStore(t)
	e1, isNew, err := s.Record(obs("ii-long-input", indexOut105, 1))
	if err != nil || !isNew {
		t.Fatalf("first record: new=%v err=%v", isNew, err)
	}
	if want := filepath.Join(s.Root, "parse.FuzzParse", e1.Crash.ID); e1.Path != want {
		t.Errorf("path %s, want %s", e1.Path, want)
	}
	e2, isNew, err := s.Record(obs("ii-s", indexOut7, 2))
	if err != nil || isNew {
		t.Fatalf("duplicate: new=%v err=%v", isNew, err)
	}
	if e2.Crash.ID != e1.Crash.ID || e2.Crash.Count != 2 {
		t.Fatalf("duplicate: id %s count %d", e2.Crash.ID, e2.Crash.Count)
	}
	if in, _ := e2.Input(); string(in) != "ii-s" {
		t.Errorf("reproducer %q, want the smaller input", in)
	}
	if _, _, err := s.Record(obs("ii-much-longer-input", indexOut105, 0)); err != nil {
		t.Fatal(err)
	}
	got, err := Load(e1.Path)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Crash
	if c.Count != 3 || c.Input.Size != len("ii-s") || !c.FirstSeen.Equal(obs("", "", 0).Seen) || !c.LastSeen.Equal(obs("", "", 2).Seen) {
		t.Errorf("after 3 records: %+v", c)
	}
	if c.Title != "parse: index out of range in readIndex" || c.Status != report.StatusOpen {
		t.Errorf("title %q status %q", c.Title, c.Status)
	}
	if len(c.Deps) != 1 || c.Deps[0].Version != "v1.1.50" {
		t.Errorf("deps %+v", c.Deps)
	}
	md, err := os.ReadFile(got.File(MarkdownFile))
	if err != nil || !bytes.Contains(md, []byte("# parse: index out of range in readIndex")) || !bytes.Contains(md, []byte("go test fuzz v1")) {
		t.Errorf("report.md: %v\n%s", err, md)
	}

	e3, isNew, err := s.Record(obs("nn", nilDeref, 3))
	if err != nil || !isNew || e3.Crash.ID == e1.Crash.ID {
		t.Fatalf("different bug: new=%v id=%s err=%v", isNew, e3.Crash.ID, err)
	}
	list, errs := s.List()
	if len(errs) > 0 || len(list) != 2 {
		t.Fatalf("List: %d entries, errors %v", len(list), errs)
	}
}

func TestRecordReopensFixed(t *testing.T) {
	s := testStore(t)
	e, _, err := s.Record(obs("ii", indexOut105, 1))
	if err != nil {
		t.Fatal(err)
	}
	e.Crash.Status = report.StatusFixed
	e.Crash.FixedIn = []report.Module{{Path: "m", Version: "v2"}}
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	e, _, err = s.Record(obs("ii", indexOut105, 2))
	if err != nil || e.Crash.Status != report.StatusOpen || e.Crash.FixedIn != nil {
		t.Fatalf("seen again after fix: status %q fixed_in %v err %v", e.Crash.Status, e.Crash.FixedIn, err)
	}
}

// A replay creates an entry when there is none but is not a sighting of an
// existing one: Count and LastSeen count fuzzing and imports only.
func TestRecordReplayIsNotASighting(t *testing.T) {
	s := testStore(t)
	replay := obs("ii-long", indexOut105, 1)
	replay.Replay = true
	e, isNew, err := s.Record(replay)
	if err != nil || !isNew || e.Crash.Count != 1 {
		t.Fatalf("replay of a new crash: new=%v count=%d err=%v", isNew, e.Crash.Count, err)
	}
	replay.Seen = replay.Seen.Add(time.Hour)
	replay.Input = []byte("ii")
	if e, _, err = s.Record(replay); err != nil || e.Crash.Count != 1 || !e.Crash.LastSeen.Equal(obs("", "", 1).Seen) {
		t.Fatalf("replay again: count=%d last=%v err=%v", e.Crash.Count, e.Crash.LastSeen, err)
	}
	if in, _ := e.Input(); string(in) != "ii" {
		t.Errorf("reproducer %q: a replay's smaller input still replaces it", in)
	}
	if e, _, err = s.Record(obs("ii", indexOut7, 5)); err != nil || e.Crash.Count != 2 {
		t.Fatalf("a real sighting after the replays: count=%d err=%v", e.Crash.Count, err)
	}
}

func TestRecordNoCrash(t *testing.T) {
	s := testStore(t)
	if _, _, err := s.Record(obs("x", "ok  \texample.com/toy/parse\t0.1s\n", 1)); err == nil {
		t.Fatal("recorded output without a crash")
	}
	// A hang or an oom is stored with the stack of the goroutine that
	// loops or allocates; without one its signature is the kind alone.
	if _, _, err := s.Record(Observation{Target: "FuzzParse", Dir: "parse", Input: []byte("h"), Kind: "hang"}); !errors.Is(err, ErrUnconfirmed) {
		t.Fatalf("a hang without a stack: %v", err)
	}
	stack := "goroutine 7 [running]:\nexample.com/toy/parse.spin(...)\n\t/tmp/toy/parse/parse.go:30\nexample.com/toy/parse.Parse({0x1, 0x2, 0x3})\n\t/tmp/toy/parse/parse.go:9 +0x10\n"
	for _, kind := range []string{"hang", "oom"} {
		e, _, err := s.Record(Observation{Target: "FuzzParse", Dir: "parse", Input: []byte("h"), Kind: kind, Output: []byte(stack)})
		if err != nil || len(e.Crash.Frames) == 0 {
			t.Errorf("a %s with its stack: frames %v, err %v", kind, e.Crash.Frames, err)
		}
	}
	if entries, errs := s.List(); len(entries) != 2 || len(errs) != 0 {
		t.Errorf("%d entries (%v); want the hang and the oom with stacks", len(entries), errs)
	}
}

// A hand-edited directory is an error naming the file, and Record does not
// write over it.
func TestInconsistentDirectories(t *testing.T) {
	for name, edit := range map[string]func(t *testing.T, e Entry){
		"bad json":  func(t *testing.T, e Entry) { write(t, e.File(ReportFile), "{ not json") },
		"id":        func(t *testing.T, e Entry) { replaceIn(t, e.File(ReportFile), e.Crash.ID, "0123456789ab") },
		"input":     func(t *testing.T, e Entry) { write(t, e.File(InputFile), "edited") },
		"missing":   func(t *testing.T, e Entry) { os.Remove(e.File(OriginalFile)) },
		"no report": func(t *testing.T, e Entry) { os.Remove(e.File(ReportFile)) },
		"newer": func(t *testing.T, e Entry) {
			replaceIn(t, e.File(ReportFile), `"schema_version": 1`, `"schema_version": 99`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := testStore(t)
			e, _, err := s.Record(obs("ii", indexOut105, 1))
			if err != nil {
				t.Fatal(err)
			}
			edit(t, e)
			before := snapshot(t, e.Path)
			_, _, err = s.Record(obs("i", indexOut105, 2))
			var se *Error
			if !errors.As(err, &se) || !errors.Is(err, ErrInconsistent) && name != "bad json" {
				t.Fatalf("Record over a %s edit: %v", name, err)
			}
			if !strings.HasPrefix(se.Path, e.Path) {
				t.Errorf("error names %s, not a file of %s", se.Path, e.Path)
			}
			if after := snapshot(t, e.Path); after != before {
				t.Errorf("directory changed:\nbefore %s\nafter  %s", before, after)
			}
			if _, errs := s.List(); len(errs) != 1 {
				t.Errorf("List errors %v, want the one directory", errs)
			}
		})
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s lacks %q: %v", path, old, err)
	}
	write(t, path, strings.Replace(string(data), old, new, 1))
}

// snapshot is the names and contents of a directory's files.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		b.WriteString(e.Name() + "=" + hashOf(data)[:8] + " ")
	}
	return b.String()
}

func TestTargetKey(t *testing.T) {
	for _, tc := range [][3]string{
		{"fuzz/dns", "FuzzWire", "fuzz-dns.FuzzWire"},
		{".", "FuzzX", "FuzzX"},
		{"", "FuzzX", "FuzzX"},
	} {
		if got := TargetKey(tc[0], tc[1]); got != tc[2] {
			t.Errorf("TargetKey(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// The fuzz targets find the list through signature.SuppressionsPath, which
// cannot import this package: the two spellings must agree.
func TestSuppressionsPathAgrees(t *testing.T) {
	if got := DirName + "/" + SuppressionsFile; got != signature.SuppressionsPath {
		t.Errorf("store keeps %s, targets read %s", got, signature.SuppressionsPath)
	}
}

// A duplicate, stale or fixed entry seen again is open again, and the input
// that showed it becomes the reproducer even when it is larger: the old
// one no longer fails as the entry's signature (a duplicate's fails as
// another), and an open entry must reproduce.
func TestRecordReopenReplacesReproducer(t *testing.T) {
	for _, status := range []string{report.StatusDuplicate, report.StatusStale, report.StatusFixed} {
		s := testStore(t)
		e, _, err := s.Record(obs("ii", indexOut105, 1))
		if err != nil {
			t.Fatal(err)
		}
		e.Crash.Status, e.Crash.Triage = status, &report.Triage{Attempts: 3}
		if status == report.StatusDuplicate {
			e.Crash.DuplicateOf = "0123456789ab"
		}
		if err := e.Save(); err != nil {
			t.Fatal(err)
		}
		replay := obs("ii-a-longer-input", indexOut7, 2)
		replay.Replay = true
		e, _, err = s.Record(replay)
		if err != nil || e.Crash.Status != report.StatusOpen || e.Crash.DuplicateOf != "" {
			t.Fatalf("%s seen again: status %q of %q, err %v", status, e.Crash.Status, e.Crash.DuplicateOf, err)
		}
		if in, _ := e.Input(); string(in) != "ii-a-longer-input" || e.Crash.Triage != nil || e.Crash.RawMessage != "runtime error: index out of range [7] with length 3" {
			t.Errorf("%s reopened with reproducer %q (triage %+v, message %q); want the input that showed it", status, in, e.Crash.Triage, e.Crash.RawMessage)
		}
		if e.Crash.Count != 1 {
			t.Errorf("%s reopened by a replay: count %d", status, e.Crash.Count)
		}
	}
}

// Save stores module-relative stack paths whoever recorded them: an
// entry recorded in another checkout (/work/main/...) or before stacks were
// made relative reads the same on every checkout after its next save.
func TestSaveRelativeStack(t *testing.T) {
	s := testStore(t)
	e, _, err := s.Record(obs("ii", indexOut105, 1))
	if err != nil {
		t.Fatal(err)
	}
	e.Crash.Stack = []signature.StackFrame{
		{Func: "github.com/miekg/dns.unpack", File: "/root/go/pkg/mod/github.com/miekg/dns@v1.1.73/msg.go", Line: 3},
		{Func: "example.com/toy/parse.Parse", File: "/work/main/parse/parse.go", Line: 15},
	}
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := Load(e.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Crash.Stack; got[0].File != "github.com/miekg/dns@v1.1.73/msg.go" || got[1].File != "parse/parse.go" {
		t.Errorf("saved stack %+v, want module-relative paths", got)
	}
}
