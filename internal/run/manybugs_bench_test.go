package run

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// procTimes is one fuzzing process's timeline.
type procTimes struct {
	start, fuzzing, fail, exit, filed time.Time
	execs                             int64
}

// BenchmarkManyBugs runs TestManyBugsFindsTheDeepOne's session and splits
// its time (BENCHMARKS.md, Runner): per shallow bug, the restart path
// (process start and baseline pass, exit after the failure, filing the
// crash and the runner's bookkeeping until the next start) against the
// fuzzing until it failed; then the deep bug's search.
//
//	go test -run '^$' -bench ManyBugs -benchtime 1x ./internal/run
func BenchmarkManyBugs(b *testing.B) {
	for b.Loop() {
		root := b.TempDir()
		if err := os.CopyFS(root, os.DirFS("testdata/manybugs")); err != nil {
			b.Fatal(err)
		}
		ts, err := target.Discover(root)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		store := crashstore.Open(root)
		var mu sync.Mutex
		var procs []*procTimes
		deep := false
		r, err := New(Options{
			ModuleRoot: root, Targets: ts, Jobs: 1, PerTarget: 5 * time.Minute,
			Fuzz: func(ctx context.Context, o engine.FuzzOptions) (engine.Result, error) {
				p := &procTimes{start: time.Now()}
				mu.Lock()
				procs = append(procs, p)
				mu.Unlock()
				inner := o.OnEvent
				o.OnEvent = func(e engine.Event) {
					switch {
					case e.Kind == engine.EventFuzzing:
						p.fuzzing = time.Now()
					case e.Kind == engine.EventFail && p.fail.IsZero():
						p.fail = time.Now()
					case e.Kind == engine.EventProgress:
						p.execs = e.Execs
					}
					inner(e)
				}
				res, err := engine.Fuzz(ctx, o)
				p.exit = time.Now()
				return res, err
			},
			OnCrash: func(c engine.Crash) (workdir.CrashRef, error) {
				if bytes.Contains(c.Output, []byte("the deep bug")) {
					deep = true
					cancel()
				}
				e, isNew, err := store.Record(crashstore.Observation{Target: c.Target, Package: c.ImportPath, Dir: c.Dir, Input: c.Input, Output: c.Output, Kind: c.Kind, Source: "bench", Seen: c.Seen})
				mu.Lock()
				procs[len(procs)-1].filed = time.Now()
				mu.Unlock()
				if err != nil {
					return workdir.CrashRef{}, err
				}
				return workdir.CrashRef{Path: e.Path, New: isNew}, nil
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Run(ctx); err != nil {
			b.Fatal(err)
		}
		cancel()
		if !deep || len(procs) < 3 {
			b.Fatalf("the deep bug was not found (%d processes)", len(procs))
		}
		// The first process fails on a seed, before fuzzing; the last
		// finds the deep bug.
		var restart, find time.Duration
		shallow := procs[1 : len(procs)-1]
		for i, p := range shallow {
			if p.fuzzing.IsZero() || p.fail.IsZero() || p.filed.IsZero() {
				b.Fatalf("process %d: incomplete timeline %+v", i+1, *p)
			}
			restart += p.fuzzing.Sub(p.start) + p.exit.Sub(p.fail) + p.filed.Sub(p.exit) + p.start.Sub(procs[i].filed)
			find += p.fail.Sub(p.fuzzing)
		}
		last := procs[len(procs)-1]
		n := float64(len(shallow))
		b.ReportMetric(restart.Seconds()/n, "restart-s/shallow-bug")
		b.ReportMetric(find.Seconds()/n, "find-s/shallow-bug")
		b.ReportMetric(last.fail.Sub(last.fuzzing).Seconds(), "deep-search-s")
		b.ReportMetric(float64(last.execs), "deep-search-execs")
	}
}
