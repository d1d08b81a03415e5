package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/schedule"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// MaxCrashesPerTarget retires a target that crashed this often in one run:
// it crashes on (nearly) every start, and restarting it only refiles the
// same crash; fix it or suppress the known bug in the target.
const MaxCrashesPerTarget = 20

// Options configures a Runner. Zero values of optional fields are valid.
type Options struct {
	ModuleRoot string          // absolute module root (required)
	WorkDir    string          // default ModuleRoot/.fuzzrun
	Targets    []target.Target // what to fuzz (required)
	Jobs       int             // concurrent fuzzing workers in all; 0 is 1
	// Parallel is the number of workers per fuzzing process; 0 spreads the
	// jobs over the targets (more per process when there are fewer targets
	// than jobs).
	Parallel int
	// Exactly one of Total (wall time of the whole run) and PerTarget
	// (fuzzing time of each target) is set.
	Total, PerTarget time.Duration
	MinimizeTime     time.Duration // see engine.FuzzOptions
	HangTimeout      time.Duration // see engine.FuzzOptions
	MemLimitMB       int           // see engine.FuzzOptions
	// OnCrash files a crash (the crash store) and says where it went. It is
	// called from the target's worker goroutine and must be safe for
	// concurrent use.
	OnCrash func(engine.Crash) (workdir.CrashRef, error)
	Display Display // progress; nil shows nothing
}

// Runner runs one fuzzing session.
type Runner struct {
	opts    Options
	wd      *workdir.Dir
	disp    Display
	started time.Time
	clock   time.Time // when fuzzing began, after the builds; guarded by mu

	mu      sync.Mutex
	states  []*targetState
	crashes []workdir.CrashRef
	summary workdir.Summary
}

// targetState is one target's live state; guarded by Runner.mu.
type targetState struct {
	t      target.Target
	bin    string
	sched  schedule.Target
	phase  string // what the target is doing now, for the display
	stats  *workdir.StatsWriter
	sum    workdir.TargetSummary
	base   workdir.StatPoint // counters at the start of the current process
	last   workdir.StatPoint
	sliceD time.Duration // current slice length
	began  time.Time     // current slice's start
	proc   time.Time     // current process's start
	fuzzAt time.Time     // when the current process ended its baseline pass
}

// New checks opts and returns a Runner.
func New(opts Options) (*Runner, error) {
	if len(opts.Targets) == 0 {
		return nil, errors.New("no targets to fuzz")
	}
	if (opts.Total > 0) == (opts.PerTarget > 0) {
		return nil, errors.New("set exactly one of a total time budget and a per-target one")
	}
	if opts.WorkDir == "" {
		opts.WorkDir = workdir.Path(opts.ModuleRoot, "")
	}
	opts.Jobs = max(opts.Jobs, 1)
	if opts.Parallel <= 0 {
		opts.Parallel = max(1, opts.Jobs/len(opts.Targets))
	}
	disp := opts.Display
	if disp == nil {
		disp = nopDisplay{}
	}
	return &Runner{opts: opts, disp: disp}, nil
}

// Run fuzzes until the budget is spent or ctx is done, and returns the
// summary (also written to summary.json). The error is for a run that could
// not start (a locked work directory); per-target failures are in the
// summary.
func (r *Runner) Run(ctx context.Context) (*workdir.Summary, error) {
	wd, err := workdir.Open(r.opts.WorkDir)
	if err != nil {
		return nil, err
	}
	r.wd = wd
	lock, err := wd.Lock()
	if err != nil {
		return nil, err
	}
	defer lock.Release()

	r.started = time.Now().UTC()
	r.summary = workdir.Summary{
		Version: workdir.SummaryVersion, Module: r.opts.ModuleRoot, WorkDir: wd.Root, Started: r.started,
		Budget: workdir.Duration(r.opts.Total), PerTarget: workdir.Duration(r.opts.PerTarget),
		Jobs: r.opts.Jobs, Parallel: r.opts.Parallel,
	}
	for _, t := range r.opts.Targets {
		st := &targetState{t: t, phase: "queued", sched: schedule.Target{Budget: r.opts.PerTarget}}
		st.sum = workdir.TargetSummary{ID: t.ID(), Name: t.Name, Package: t.ImportPath, Dir: t.Dir, Format: t.Format, Status: workdir.StatusNotRun}
		r.states = append(r.states, st)
	}
	defer r.closeStats()
	r.prepare(ctx)
	r.loop(ctx)
	return r.finish(ctx), nil
}

// prepare builds one binary per package and quarantines unusable corpus
// entries, retiring targets that cannot run.
func (r *Runner) prepare(ctx context.Context) {
	bins := make(map[string]string)
	errs := make(map[string]error)
	for _, st := range r.states {
		if ctx.Err() != nil {
			return
		}
		dir := st.t.Dir
		if _, done := bins[dir]; !done && errs[dir] == nil {
			r.setPhase(st, "building")
			r.disp.Event(fmt.Sprintf("building %s", st.t.ImportPath))
			bin, err := engine.Build(ctx, r.opts.ModuleRoot, st.t, r.wd.BinDir())
			if err != nil {
				errs[dir] = err
			} else {
				bins[dir] = bin
			}
		}
		r.mu.Lock()
		if err := errs[dir]; err != nil {
			r.retire(st, err)
		} else {
			st.bin, st.phase = bins[dir], "queued"
		}
		r.mu.Unlock()
		q, err := r.wd.QuarantineCorpus(st.t)
		for _, e := range q {
			r.disp.Event(fmt.Sprintf("%s: corpus entry %s is unusable (%v); moved to %s", st.t.ID(), e.From, e.Reason, e.To))
			st.sum.Quarantined = append(st.sum.Quarantined, e.To)
		}
		if err != nil {
			r.disp.Event(fmt.Sprintf("%s: %v", st.t.ID(), err))
		}
	}
}

// retire marks st as impossible to fuzz. Caller holds r.mu.
func (r *Runner) retire(st *targetState, err error) {
	st.sched.Done = true
	st.phase = "failed"
	if st.sum.Status != workdir.StatusCrashed {
		st.sum.Status = workdir.StatusFailed
	}
	st.sum.Error = err.Error()
	r.disp.Event(fmt.Sprintf("%s: not fuzzed further: %v", st.t.ID(), err))
}

func (r *Runner) setPhase(st *targetState, phase string) {
	r.mu.Lock()
	st.phase = phase
	r.mu.Unlock()
	r.refresh()
}

// workers is how many fuzzing processes run at once.
func (r *Runner) workers() int {
	return min(max(1, r.opts.Jobs/r.opts.Parallel), len(r.states))
}

// loop hands slices to free workers until nothing is left to run.
func (r *Runner) loop(ctx context.Context) {
	// A slice shorter than MinSlice is mostly process start and baseline
	// pass; but a short budget must still run every target.
	cfg := schedule.Config{MinSlice: 5 * time.Second}
	deadline := time.Time{}
	if r.opts.Total > 0 {
		cfg.Slice = schedule.SliceLength(r.opts.Total, len(r.states), r.workers())
		cfg.MinSlice = min(cfg.MinSlice, cfg.Slice/2)
		deadline = time.Now().Add(r.opts.Total)
	} else {
		cfg.MinSlice = min(cfg.MinSlice, r.opts.PerTarget/2)
	}
	r.mu.Lock()
	r.clock = time.Now()
	r.mu.Unlock()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	done := make(chan int)
	running := 0
	for {
		for ctx.Err() == nil && running < r.workers() {
			remaining := schedule.NoLimit
			if !deadline.IsZero() {
				remaining = time.Until(deadline)
			}
			r.mu.Lock()
			view := make([]schedule.Target, len(r.states))
			for i, st := range r.states {
				view[i] = st.sched
			}
			i, d, ok := schedule.Next(view, remaining, cfg)
			if ok {
				st := r.states[i]
				st.sched.Running = true
				st.sched.Slices++
				st.sum.Slices++
				st.sliceD, st.began, st.phase = d, time.Now(), "starting"
			}
			r.mu.Unlock()
			if !ok {
				break
			}
			running++
			go func() {
				r.slice(ctx, r.states[i], d)
				done <- i
			}()
		}
		if running == 0 {
			return
		}
		select {
		case <-done:
			running--
			if err := r.writeSummary(false); err != nil {
				r.disp.Event(err.Error())
			}
		case <-ticker.C:
		}
		r.refresh()
	}
}

// slice fuzzes st for d, restarting it after each crash for the rest of d.
func (r *Runner) slice(ctx context.Context, st *targetState, d time.Duration) {
	end := time.Now().Add(d)
	newInSlice := 0
	defer func() {
		r.mu.Lock()
		st.sched.Running = false
		st.sched.LastNew = newInSlice
		if !st.sched.Done {
			st.phase = "waiting"
		}
		r.mu.Unlock()
		r.refresh()
	}()
	r.mu.Lock()
	first := st.sum.Slices == 1
	r.mu.Unlock()
	if n := countFiles(r.wd.CorpusDir(st.t)); first && n > 0 {
		r.disp.Event(fmt.Sprintf("%s: resuming from %d work corpus entries in %s", st.t.ID(), n, r.wd.CorpusDir(st.t)))
	}
	for {
		left := time.Until(end)
		if ctx.Err() != nil || left < time.Second {
			return
		}
		started := time.Now()
		res, err := r.fuzzOnce(ctx, st, left)
		r.mu.Lock()
		st.sched.Fuzzed += time.Since(started)
		st.sum.Fuzzed = workdir.Duration(st.sched.Fuzzed)
		newInSlice += res.New
		if err != nil {
			r.retire(st, err)
		}
		retired := st.sched.Done
		if res.Crash == nil && !retired && !res.Interrupted && st.sum.Status == workdir.StatusNotRun {
			st.sum.Status = workdir.StatusOK
		}
		if res.Interrupted && st.sum.Status == workdir.StatusNotRun {
			st.sum.Status = workdir.StatusInterrupted
		}
		r.mu.Unlock()
		if res.Crash == nil || retired {
			return
		}
		r.mu.Lock()
		if st.sum.Crashes >= MaxCrashesPerTarget {
			r.retire(st, fmt.Errorf("crashed %d times in this run; fix the bug or suppress it in the target so fuzzing can go past it", st.sum.Crashes))
			r.mu.Unlock()
			return
		}
		st.phase = "restarting"
		r.mu.Unlock()
	}
}

// fuzzOnce runs one fuzzing process of st for at most d.
func (r *Runner) fuzzOnce(ctx context.Context, st *targetState, d time.Duration) (engine.Result, error) {
	r.mu.Lock()
	st.base = st.last
	st.phase = "baseline"
	st.proc, st.fuzzAt = time.Now(), time.Time{}
	r.mu.Unlock()
	defer func() {
		// Count the fuzzing seconds since the last progress line too.
		r.mu.Lock()
		if !st.fuzzAt.IsZero() {
			st.last.Elapsed = st.base.Elapsed + time.Since(st.fuzzAt).Seconds()
			r.updateRate(st)
		}
		r.mu.Unlock()
	}()
	// Go's -fuzztime counts from the end of the baseline pass; the hard
	// deadline only catches a process that ignores it.
	pctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	res, err := engine.Fuzz(pctx, engine.FuzzOptions{
		Binary: st.bin, ModuleRoot: r.opts.ModuleRoot, Target: st.t,
		CacheDir: r.wd.CacheDir(st.t), Duration: d, Parallel: r.opts.Parallel,
		MinimizeTime: r.opts.MinimizeTime, HangTimeout: r.opts.HangTimeout, MemLimitMB: r.opts.MemLimitMB,
		OnEvent: func(e engine.Event) { r.onEvent(st, e) },
	})
	if res.Crash != nil {
		r.onCrash(st, *res.Crash) // the engine returns a crash once, here
	}
	return res, err
}

// onEvent folds one engine event into st and its time series.
func (r *Runner) onEvent(st *targetState, e engine.Event) {
	r.mu.Lock()
	switch e.Kind {
	case engine.EventFuzzing:
		st.phase, st.fuzzAt = "fuzzing", time.Now()
	case engine.EventProgress:
		st.phase = "fuzzing"
		if st.fuzzAt.IsZero() {
			st.fuzzAt = time.Now().Add(-e.Elapsed)
		}
		// Go prints whole seconds from its own start; the runner's clock
		// from the end of the baseline pass is finer, and matters for the
		// many short processes of a target restarted after crashes.
		p := workdir.StatPoint{
			Time: time.Now().UTC(), Run: r.started,
			Elapsed:     st.base.Elapsed + time.Since(st.fuzzAt).Seconds(),
			Execs:       st.base.Execs + e.Execs,
			ExecsPerSec: e.ExecsPerSec,
			Corpus:      e.Corpus,
			New:         st.base.New + e.New,
			Crashes:     st.sum.Crashes,
		}
		st.last = p
		r.updateRate(st)
		if err := r.appendStat(st, p); err != nil {
			r.mu.Unlock()
			r.disp.Event(err.Error())
			return
		}
	}
	r.mu.Unlock()
}

// updateRate refreshes st's summary counters from its last point. Caller
// holds r.mu.
func (r *Runner) updateRate(st *targetState) {
	st.sum.Execs, st.sum.New = st.last.Execs, st.last.New
	if st.last.Elapsed > 0 {
		st.sum.ExecsPerSec = float64(st.last.Execs) / st.last.Elapsed
	}
}

// appendStat writes p to st's time series. Caller holds r.mu.
func (r *Runner) appendStat(st *targetState, p workdir.StatPoint) error {
	if st.stats == nil {
		w, err := workdir.OpenStats(r.wd.StatsPath(st.t))
		if err != nil {
			return err
		}
		st.stats = w
	}
	return st.stats.Append(p)
}

// onCrash files a crash through the callback.
func (r *Runner) onCrash(st *targetState, c engine.Crash) {
	if c.Kind == engine.KindHang && c.Replayed && !c.Reproduced {
		r.unconfirmed(st, c)
		return
	}
	ref := workdir.CrashRef{Target: st.t.ID(), Kind: c.Kind, Seen: c.Seen}
	if r.opts.OnCrash != nil {
		filed, err := r.opts.OnCrash(c)
		if err != nil {
			r.disp.Event(fmt.Sprintf("%s: crash found but not stored: %v", st.t.ID(), err))
		} else {
			filed.Target, filed.Seen = ref.Target, ref.Seen
			if filed.Kind == "" {
				filed.Kind = c.Kind
			}
			ref = filed
		}
	}
	r.mu.Lock()
	st.sum.Crashes++
	st.sum.Status = workdir.StatusCrashed
	st.last.Crashes = st.sum.Crashes
	st.last.Time = time.Now().UTC()
	r.crashes = append(r.crashes, ref)
	err := r.appendStat(st, st.last)
	r.mu.Unlock()
	if err != nil {
		r.disp.Event(err.Error())
	}
	what := "crash"
	if c.Kind != "" {
		what = c.Kind
	}
	msg := fmt.Sprintf("%s: %s found", st.t.ID(), what)
	if ref.Path != "" {
		msg += fmt.Sprintf(", stored in %s", ref.Path)
		if !ref.New {
			msg += " (known signature)"
		}
	}
	r.disp.Event(msg)
}

// unconfirmed keeps the input of a suspected hang that did not hang when
// replayed, and says so, instead of filing a crash that is most likely a
// worker starved of CPU.
func (r *Runner) unconfirmed(st *targetState, c engine.Crash) {
	path := filepath.Join(r.wd.UnconfirmedDir(st.t), c.File)
	if err := atomicfile.Write(path, c.GoFile, 0o644); err != nil {
		r.disp.Event(fmt.Sprintf("%s: %v", st.t.ID(), err))
		return
	}
	r.disp.Event(fmt.Sprintf("%s: executions stalled past the hang timeout, but the input ran fine when replayed (a loaded machine?); not filed, kept in %s", st.t.ID(), path))
}

// refresh sends the display a snapshot.
func (r *Runner) refresh() {
	r.disp.Update(r.snapshot())
}

// snapshot copies the live state for the display.
func (r *Runner) snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Started: r.clock, Total: r.opts.Total, PerTarget: r.opts.PerTarget}
	for _, st := range r.states {
		row := Row{
			ID: st.t.ID(), Phase: st.phase, Execs: st.sum.Execs, ExecsPerSec: st.last.ExecsPerSec,
			New: st.sum.New, Corpus: st.last.Corpus, Crashes: st.sum.Crashes, Fuzzed: st.sched.Fuzzed,
		}
		if st.sched.Running {
			row.Fuzzed += time.Since(st.proc)
			row.Left = max(0, st.sliceD-time.Since(st.began))
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// finish completes and writes the summary.
func (r *Runner) finish(ctx context.Context) *workdir.Summary {
	r.mu.Lock()
	r.summary.Interrupted = ctx.Err() != nil
	r.summary.RunnerCPU = selfCPU()
	r.mu.Unlock()
	if err := r.writeSummary(true); err != nil {
		r.disp.Event(err.Error())
	}
	r.disp.Close(r.snapshot())
	s := r.summary
	return &s
}

// writeSummary fills the summary from the live state and writes it.
func (r *Runner) writeSummary(final bool) error {
	r.mu.Lock()
	r.summary.Targets = r.summary.Targets[:0]
	for _, st := range r.states {
		ts := st.sum
		ts.Corpus = countFiles(r.wd.CorpusDir(st.t))
		r.summary.Targets = append(r.summary.Targets, ts)
	}
	r.summary.Crashes = append([]workdir.CrashRef{}, r.crashes...)
	if final {
		r.summary.Finished = time.Now().UTC()
	}
	s := r.summary
	r.mu.Unlock()
	if err := s.Write(r.wd.SummaryPath()); err != nil {
		return fmt.Errorf("write run summary: %w", err)
	}
	return nil
}

func (r *Runner) closeStats() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.states {
		if st.stats != nil {
			st.stats.Close()
			st.stats = nil
		}
	}
}

// selfCPU is this process's user+sys CPU seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func countFiles(dir string) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			n++
		}
	}
	return n
}
