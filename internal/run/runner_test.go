package run

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// fakeEngine scripts the processes of each target: the n-th call of a
// target returns script[id][n] (the last entry once the script runs out),
// with no process started.
type fakeEngine struct {
	mu     sync.Mutex
	script map[string][]step
	calls  map[string]int
	// cancel, if set, is called when a process of the target cancelAt starts.
	cancel   context.CancelFunc
	cancelAt string
}

// step is one fake process: it fuzzes for fuzzing after baseline, or
// crashes with the failure message crash ("" for none).
type step struct {
	baseline, fuzzing time.Duration
	execs             int64
	crash             string
}

func (f *fakeEngine) build(_ context.Context, _ string, t target.Target, _ string) (string, error) {
	if t.Name == "FuzzBroken" {
		return "", fmt.Errorf("does not build")
	}
	return "bin-" + t.Dir, nil
}

func (f *fakeEngine) fuzz(ctx context.Context, o engine.FuzzOptions) (engine.Result, error) {
	f.mu.Lock()
	id := o.Target.ID()
	steps := f.script[id]
	n := f.calls[id]
	f.calls[id]++
	if f.cancel != nil && id == f.cancelAt {
		f.cancel()
	}
	f.mu.Unlock()
	s := step{baseline: time.Millisecond, fuzzing: o.Duration, execs: 100}
	if len(steps) > 0 {
		s = steps[min(n, len(steps)-1)]
		if s.fuzzing == 0 && s.crash == "" {
			s.fuzzing = o.Duration
		}
	}
	res := engine.Result{Baseline: s.baseline, Fuzzing: max(0, min(s.fuzzing, o.Duration)), Execs: s.execs, Interrupted: ctx.Err() != nil}
	if res.Fuzzing == 0 {
		res.Execs = 0
	}
	if res.Interrupted {
		return engine.Result{Interrupted: true}, nil
	}
	if o.OnEvent != nil && res.Fuzzing > 0 {
		o.OnEvent(engine.Event{Kind: engine.EventFuzzing})
		o.OnEvent(engine.Event{Kind: engine.EventProgress, Execs: s.execs})
	}
	if s.crash != "" {
		res.Crash = &engine.Crash{Target: o.Target.Name, Dir: o.Target.Dir,
			Output: []byte("--- FAIL: " + o.Target.Name + " (0.00s)\n    x_test.go:1: " + s.crash + "\n")}
	}
	return res, nil
}

func crashSteps(msgs ...string) []step {
	var out []step
	for _, m := range msgs {
		out = append(out, step{baseline: time.Millisecond, fuzzing: time.Millisecond, execs: 10, crash: m})
	}
	return out
}

func TestRunnerRules(t *testing.T) {
	a := target.Target{Name: "FuzzA", Dir: "a", ImportPath: "m/a"}
	b := target.Target{Name: "FuzzB", Dir: "b", ImportPath: "m/b"}
	broken := target.Target{Name: "FuzzBroken", Dir: "c", ImportPath: "m/c"}
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"}
	for _, tc := range []struct {
		name     string
		targets  []target.Target
		script   map[string][]step
		interupt string // cancel the run when this target's process starts
		total    time.Duration
		want     map[string]workdir.TargetSummary // Status, Crashes, Restarts, Execs>0 checked
	}{
		{
			name:    "every target gets fuzzing time",
			targets: []target.Target{a, b},
			want: map[string]workdir.TargetSummary{
				"a:FuzzA": {Status: workdir.StatusOK, Execs: 1}, "b:FuzzB": {Status: workdir.StatusOK, Execs: 1},
			},
		},
		{
			name:    "different bugs: restarted after each, never retired",
			targets: []target.Target{a},
			script:  map[string][]step{"a:FuzzA": append(crashSteps(words...), step{baseline: time.Millisecond, execs: 500})},
			want:    map[string]workdir.TargetSummary{"a:FuzzA": {Status: workdir.StatusCrashed, Crashes: 10, Restarts: 10, Execs: 1}},
		},
		{
			name:    "the same stored bug again and again: retired",
			targets: []target.Target{a, b},
			script:  map[string][]step{"a:FuzzA": crashSteps("alpha")},
			want: map[string]workdir.TargetSummary{
				"a:FuzzA": {Status: workdir.StatusCrashed, Crashes: 1 + MaxStuckRestarts, Restarts: MaxStuckRestarts, Execs: 1},
				"b:FuzzB": {Status: workdir.StatusOK, Execs: 1},
			},
		},
		{
			name:    "slices that end in the baseline pass: not fuzzed, never ok",
			targets: []target.Target{a},
			script:  map[string][]step{"a:FuzzA": {{baseline: time.Second, fuzzing: -1}}},
			want:    map[string]workdir.TargetSummary{"a:FuzzA": {Status: workdir.StatusNotFuzzed}},
		},
		{
			name:    "a package that does not build",
			targets: []target.Target{broken, a},
			want: map[string]workdir.TargetSummary{
				"c:FuzzBroken": {Status: workdir.StatusFailed}, "a:FuzzA": {Status: workdir.StatusOK, Execs: 1},
			},
		},
		{
			name:     "interrupted: the rest is not run",
			targets:  []target.Target{a, b},
			interupt: "a:FuzzA",
			total:    time.Hour,
			want: map[string]workdir.TargetSummary{
				"a:FuzzA": {Status: workdir.StatusInterrupted}, "b:FuzzB": {Status: workdir.StatusNotRun},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fe := &fakeEngine{script: tc.script, calls: map[string]int{}}
			if tc.interupt != "" {
				fe.cancel, fe.cancelAt = cancel, tc.interupt
			}
			total := tc.total
			if total == 0 {
				total = 30 * time.Second
			}
			opts := Options{
				ModuleRoot: t.TempDir(), WorkDir: t.TempDir(), Targets: tc.targets, Jobs: 1,
				Build: fe.build, Fuzz: fe.fuzz,
			}
			// A per-target budget keeps the fake runs instant; the
			// interruption case uses a total one.
			if tc.interupt != "" {
				opts.Total = total
			} else {
				opts.PerTarget = total
			}
			r, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ts := range sum.Targets {
				want, ok := tc.want[ts.ID]
				if !ok {
					continue
				}
				if ts.Status != want.Status || ts.Crashes != want.Crashes || ts.Restarts != want.Restarts || (ts.Execs > 0) != (want.Execs > 0) {
					t.Errorf("%s: status %q crashes %d restarts %d execs %d; want %q, %d, %d, execs>0 %v (error %q)",
						ts.ID, ts.Status, ts.Crashes, ts.Restarts, ts.Execs, want.Status, want.Crashes, want.Restarts, want.Execs > 0, ts.Error)
				}
			}
		})
	}
}

func TestIntervalRate(t *testing.T) {
	run := time.Now()
	prev := workdir.StatPoint{Run: run, Elapsed: 10, Execs: 1000, ExecsPerSec: 100}
	// A last line 0.4 s after the one before, with the workers already
	// stopped, keeps the previous rate instead of diving to 0.
	if got := intervalRate(prev, workdir.StatPoint{Run: run, Elapsed: 10.4, Execs: 1000}); got != 100 {
		t.Errorf("short interval: %v, want 100", got)
	}
	if got := intervalRate(prev, workdir.StatPoint{Run: run, Elapsed: 13, Execs: 1600}); got != 200 {
		t.Errorf("3 s interval: %v, want 200", got)
	}
}

func TestBudgetWarning(t *testing.T) {
	if msg := budgetWarning(2*time.Minute, 40, 2); msg == "" {
		t.Error("no warning for 40 targets in 2m on 2 workers")
	}
	if msg := budgetWarning(10*time.Minute, 40, 2); msg != "" {
		t.Errorf("warning for a sufficient budget: %s", msg)
	}
}
