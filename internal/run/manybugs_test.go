package run

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// TestManyBugsFindsTheDeepOne fuzzes testdata/manybugs, a module that does
// not use daemonfuzz's harness, whose target has 32 shallow bugs (26 panics
// and 6 t.Fatalf failures, one of them in a seed) and one deep one behind
// them. A runner that restarts and retires (the old rule: 20 crashes)
// never gets past the shallow ones; this one stores each once, skips it in
// the restarted processes (the guard), and reaches the deep bug. The test
// checks that more than 20 distinct shallow bugs were stored before the
// deep one. Its time is almost all the fuzzer's search for the deep bug
// (about a million executions), many of them mutations of the shallow
// bugs' inputs, which stay in the corpus and which the guard skips: the
// guard's cost per input is what this test's time depends on (see
// BENCHMARKS.md, Runner).
func TestManyBugsFindsTheDeepOne(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and fuzzes a module for up to 5 minutes")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/manybugs")); err != nil {
		t.Fatal(err)
	}
	ts, err := target.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := crashstore.Open(root)
	var deep time.Duration
	shallow := 0 // distinct signatures stored before the deep bug
	start := time.Now()
	r, err := New(Options{
		ModuleRoot: root, Targets: ts, Jobs: 1, PerTarget: 5 * time.Minute,
		OnCrash: func(c engine.Crash) (workdir.CrashRef, error) {
			if bytes.Contains(c.Output, []byte("the deep bug")) {
				deep = time.Since(start)
				cancel()
			}
			in := c.Input
			if in == nil {
				in = c.GoFile
			}
			e, isNew, err := store.Record(crashstore.Observation{Target: c.Target, Package: c.ImportPath, Dir: c.Dir, Input: in, Output: c.Output, Kind: c.Kind, Source: "test", Seen: c.Seen})
			if err != nil {
				return workdir.CrashRef{}, err
			}
			if isNew && deep == 0 {
				shallow++
			}
			ref := workdir.CrashRef{Path: e.Path, New: isNew}
			if e.Crash != nil {
				ref.ID = e.Crash.ID
			}
			return ref, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps := sum.Targets[0]
	t.Logf("deep bug after %v and %d shallow ones; %d crashes, %d restarts, %d known signatures skipped, %d execs", deep.Round(time.Second), shallow, ps.Crashes, ps.Restarts, len(ps.Skipped), ps.Execs)
	if deep == 0 {
		t.Fatalf("the deep bug was not found: %+v", ps)
	}
	if shallow <= 20 {
		t.Errorf("%d distinct shallow bugs stored before the deep one, want more than 20 (the old rule retired a target after 20 crashes)", shallow)
	}
	if len(ps.Skipped) <= 20 {
		t.Errorf("the guard skipped %d known signatures, want more than 20 of the 32 shallow ones: %v", len(ps.Skipped), ps.Skipped)
	}
	if ps.Status == workdir.StatusFailed {
		t.Errorf("the target was retired: %s", ps.Error)
	}
}
