package workdir

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(path)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Acquire = %v, want *LockedError", err)
	}
	if le.PID != os.Getpid() || !strings.Contains(err.Error(), "wait for it to finish") {
		t.Errorf("LockedError %+v: %v", le, err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

func TestLockStaleTakenOver(t *testing.T) {
	// A lock file left by a run that died (its pid is gone) holds no flock.
	path := filepath.Join(t.TempDir(), "lock")
	if err := os.WriteFile(path, []byte("pid 999999999\nstarted 2020-01-01T00:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire over a stale lock: %v", err)
	}
	defer l.Release()
	data, _ := os.ReadFile(path)
	if pid, _ := parseLockInfo(string(data)); pid != os.Getpid() {
		t.Errorf("lock file names pid %d, want ours", pid)
	}
}

func TestQuarantine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus", "FuzzX")
	qdir := filepath.Join(t.TempDir(), "quarantine", "FuzzX")
	files := map[string]string{
		"good":    "go test fuzz v1\n[]byte(\"ok\")\n",
		"garbage": "not a corpus file",
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A dangling symlink cannot be read: left in place, Go's coordinator
	// would abort the target.
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	q, err := Quarantine(dir, qdir)
	if err != nil {
		t.Fatal(err)
	}
	moved := map[string]bool{}
	for _, e := range q {
		moved[filepath.Base(e.From)] = true
		if e.Reason == nil || filepath.Dir(e.To) != qdir {
			t.Errorf("quarantined %+v", e)
		}
	}
	if !moved["garbage"] || !moved["dangling"] || moved["good"] || len(q) != 2 {
		t.Errorf("moved %v, want garbage and dangling", moved)
	}
	if _, err := os.Stat(filepath.Join(dir, "good")); err != nil {
		t.Errorf("good entry gone: %v", err)
	}
	if q, err := Quarantine(filepath.Join(t.TempDir(), "none"), qdir); err != nil || q != nil {
		t.Errorf("Quarantine(missing dir) = %v, %v", q, err)
	}
}

func TestStatsAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats", "FuzzX.jsonl")
	run := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 2 { // two runs extend one file
		w, err := OpenStats(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Append(StatPoint{Run: run.Add(time.Duration(i) * time.Hour), Execs: int64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []StatPoint
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p StatPoint
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, p)
	}
	if len(got) != 2 || got[0].Execs != 1 || got[1].Execs != 2 || !got[1].Run.Equal(run.Add(time.Hour)) {
		t.Errorf("stats = %+v", got)
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	s := &Summary{Version: SummaryVersion, Budget: Duration(90 * time.Second), Targets: []TargetSummary{{ID: "a:FuzzX", Fuzzed: Duration(1500 * time.Millisecond)}}}
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"budget": 90`) {
		t.Errorf("budget not in seconds:\n%s", data)
	}
	back, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Budget != s.Budget || back.Targets[0].Fuzzed != s.Targets[0].Fuzzed {
		t.Errorf("round trip: %+v", back)
	}
}

func TestReadSummaryRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSummary(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadSummary(garbage) = %v, want an error naming %s", err, path)
	}
}

func TestPath(t *testing.T) {
	if got := Path("/mod", ""); got != filepath.Join("/mod", DirName) {
		t.Errorf("Path default = %s", got)
	}
	if got := Path("/mod", "/elsewhere"); got != "/elsewhere" {
		t.Errorf("Path given = %s", got)
	}
	w := At(t.TempDir(), "")
	if w.Exists() {
		t.Errorf("%s exists before Open", w.Root)
	}
	if _, err := Open(w.Root); err != nil || !w.Exists() {
		t.Errorf("Open: %v, exists %v", err, w.Exists())
	}
}
