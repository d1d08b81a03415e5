package engine

import (
	"github.com/daemonfuzz/daemonfuzz/internal/signature"

	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// The tests below build and fuzz testdata/toy, a module with planted bugs,
// copied to a temporary directory so crash files never land in this repository.

var (
	toyOnce sync.Once
	toyRoot string
	toyBin  string
	toyErr  error
)

func toy(t *testing.T) (root, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and fuzzes a toy module")
	}
	toyOnce.Do(func() {
		toyRoot, toyErr = os.MkdirTemp("", "engine-toy-")
		if toyErr != nil {
			return
		}
		if toyErr = os.CopyFS(toyRoot, os.DirFS("testdata/toy")); toyErr != nil {
			return
		}
		toyBin, toyErr = Build(context.Background(), toyRoot, toyTarget("FuzzBug"), filepath.Join(toyRoot, ".bin"))
	})
	if toyErr != nil {
		t.Fatal(toyErr)
	}
	return toyRoot, toyBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if toyRoot != "" {
		os.RemoveAll(toyRoot)
	}
	os.Exit(code)
}

func toyTarget(name string) target.Target {
	return target.Target{Name: name, ImportPath: "example.com/toy/parse", Dir: "parse"}
}

func fuzzToy(t *testing.T, ctx context.Context, name string, opts FuzzOptions) (Result, error) {
	root, bin := toy(t)
	opts.Binary, opts.ModuleRoot, opts.Target = bin, root, toyTarget(name)
	opts.CacheDir = filepath.Join(t.TempDir(), "cache")
	if opts.Duration == 0 {
		opts.Duration = 2 * time.Minute // an upper bound: the planted bugs are found in seconds
	}
	return Fuzz(ctx, opts)
}

func TestFuzzCrash(t *testing.T) {
	res, err := fuzzToy(t, context.Background(), "FuzzBug", FuzzOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Crash == nil {
		t.Fatalf("no crash found: %+v", res)
	}
	c := *res.Crash
	if c.Target != "FuzzBug" || c.Dir != "parse" || c.ImportPath != "example.com/toy/parse" || c.Kind != "" {
		t.Errorf("crash = %+v", c)
	}
	if !bytes.HasPrefix(c.Input, []byte("BUG")) || len(c.Input) < 4 {
		t.Errorf("input %q does not trigger the planted bug", c.Input)
	}
	if !strings.Contains(string(c.Output), "panic: parse: planted bug") || !strings.Contains(string(c.Output), "parse.Parse") {
		t.Errorf("output lacks the panic and its stack:\n%s", c.Output)
	}
	root, _ := toy(t)
	if _, err := os.Stat(filepath.Join(root, "parse", "testdata", "fuzz", "FuzzBug", c.File)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failing input left in the package's testdata: %v", err)
	}
}

// A target that skips itself is reported as skipped, with what it logged,
// not as a slice that never got past the baseline pass; a target that fuzzes
// is never reported skipped.
func TestFuzzSkipped(t *testing.T) {
	res, err := fuzzToy(t, context.Background(), "FuzzSkipped", FuzzOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Crash != nil || res.Execs != 0 || !strings.Contains(res.Skipped, "needs a capability this machine lacks") || !strings.Contains(res.Skipped, "skipping") {
		t.Fatalf("skipped target: %+v", res)
	}
	res, err = fuzzToy(t, context.Background(), "FuzzClean", FuzzOptions{Duration: 2 * time.Second})
	if err != nil || res.Skipped != "" || res.Execs == 0 {
		t.Fatalf("fuzzing target: skipped %q, %d execs, err %v", res.Skipped, res.Execs, err)
	}
}

func TestFuzzHang(t *testing.T) {
	// Generous: a worker starved of CPU on a loaded machine must not look hung.
	res, err := fuzzToy(t, context.Background(), "FuzzHang", FuzzOptions{HangTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Crash == nil {
		t.Fatalf("no hang found: %+v", res)
	}
	if !res.Crash.Replayed || !res.Crash.Reproduced {
		t.Errorf("hang not confirmed by replay: %+v", res.Crash)
	}
	if res.Crash.Kind != KindHang || !bytes.HasPrefix(res.Crash.Input, []byte("HANG")) {
		t.Errorf("kind %q input %q, want a hang on HANG...", res.Crash.Kind, res.Crash.Input)
	}
	if !strings.Contains(string(res.Crash.Output), "parse.Parse") {
		t.Errorf("hang output lacks the replayed stack:\n%s", res.Crash.Output)
	}
}

func TestFuzzOOM(t *testing.T) {
	res, err := fuzzToy(t, context.Background(), "FuzzOOM", FuzzOptions{MemLimitMB: 300})
	if err != nil {
		t.Fatal(err)
	}
	if res.Crash == nil || res.Crash.Kind != KindOOM {
		t.Fatalf("want an oom crash, got %+v", res.Crash)
	}
}

func TestFuzzStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	res, err := fuzzToy(t, ctx, "FuzzClean", FuzzOptions{
		Duration: time.Hour,
		// Cancel once fuzzing has really begun: the workers are running.
		OnEvent: func(e Event) {
			if e.Kind == EventProgress {
				once.Do(cancel)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Crash != nil {
		t.Errorf("result %+v, want interrupted without crash", res)
	}
	_, bin := toy(t)
	if left := processesOf(bin); len(left) > 0 {
		t.Errorf("processes of %s still running after Fuzz returned: %v", bin, left)
	}
}

// processesOf lists running processes whose executable is bin.
func processesOf(bin string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && exe == bin {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestReplay(t *testing.T) {
	root, bin := toy(t)
	fuzzDir := filepath.Join(root, "parse", "testdata", "fuzz", "FuzzBug")
	// A leftover of a killed replay (pid 0 never runs a user process) is cleaned.
	stale := filepath.Join(fuzzDir, replayPrefix+"0-deadbeef")
	if err := os.MkdirAll(fuzzDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("go test fuzz v1\n[]byte(\"BUG!\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, input string
		binary      string
		failed      bool
		kind        string
		output      string
		timeout     time.Duration
	}{
		{"FuzzBug", "BUG!", bin, true, "", "panic: parse: planted bug", time.Minute},
		{"FuzzBug", "fine", "", false, "", "PASS", time.Minute},
		{"FuzzHang", "HANG!", bin, true, KindHang, "SIGQUIT", 2 * time.Second},
		{"FuzzHang", "BLOCK", bin, true, KindHang, "SIGQUIT", 2 * time.Second},
		// A generous timeout: on a loaded machine reaching the limit may be slow.
		{"FuzzOOM", "OOM!", bin, true, KindOOM, "runtime: out of memory", time.Minute},
		{"FuzzOOM", "LAZY!", bin, true, KindOOM, "runtime: out of memory", time.Minute},
		// 100 MiB past the 300 MiB limit fails; 100 MiB short of it completes.
		{"FuzzOOM", "MEM400", bin, true, KindOOM, "runtime: out of memory", time.Minute},
		{"FuzzOOM", "MEM200", bin, false, "", "PASS", time.Minute},
	} {
		res, err := Replay(context.Background(), ReplayOptions{
			ModuleRoot: root, Target: toyTarget(tc.name), Input: []byte(tc.input),
			Timeout: tc.timeout, MemLimitMB: 300, Binary: tc.binary,
		})
		if err != nil {
			t.Errorf("Replay(%s, %q): %v", tc.name, tc.input, err)
			continue
		}
		if res.Failed != tc.failed || res.Kind != tc.kind || !strings.Contains(string(res.Output), tc.output) {
			t.Errorf("Replay(%s, %q) = failed %v kind %q, want %v %q with %q in output:\n%s",
				tc.name, tc.input, res.Failed, res.Kind, tc.failed, tc.kind, tc.output, res.Output)
		}
		if tc.kind != "" {
			// A hang's signature has the looping function, an oom's the
			// allocating one.
			c, err := signature.Parse(res.Output, tc.kind)
			if err != nil || !strings.Contains(strings.Join(c.Sig.Frames, " "), "example.com/toy/parse.Parse") || !strings.Contains(c.Title("parse"), "in Parse") {
				t.Errorf("Replay(%s, %q): signature frames %v, title %q (%v), want parse.Parse:\n%s", tc.name, tc.input, c.Sig.Frames, c.Title("parse"), err, res.Output)
			}
		}
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale replay file not cleaned: %v", err)
	}
	for _, name := range []string{"FuzzHang", "FuzzOOM"} {
		if _, err := os.Stat(filepath.Join(root, "parse", "testdata", "fuzz", name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("replay left testdata/fuzz/%s behind: %v", name, err)
		}
	}
}
