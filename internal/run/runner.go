package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/schedule"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// MaxStuckRestarts retires a target whose processes crashed this many times
// in a row on signatures the run had already stored: the guard cannot skip
// them (a hang, an out-of-memory, a fatal runtime error, a failure on another
// goroutine), so every restart ends the same way. A target that keeps
// finding different bugs is never retired.
const MaxStuckRestarts = 5

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

	// Build and Fuzz are the runner's seams to the engine: zero means
	// engine.Build and engine.Fuzz. Tests replace them to check the
	// scheduling, restart, retirement and interruption rules without
	// processes.
	Build func(ctx context.Context, moduleRoot string, t target.Target, outDir string) (string, error)
	Fuzz  func(ctx context.Context, opts engine.FuzzOptions) (engine.Result, error)
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
	known   map[string]bool // signature ids stored in this run
	summary workdir.Summary
}

// targetState is one target's live state; guarded by Runner.mu.
type targetState struct {
	t       target.Target
	bin     string
	sched   schedule.Target
	phase   string // what the target is doing now, for the display
	stats   *workdir.StatsWriter
	sum     workdir.TargetSummary
	base    workdir.StatPoint // counters at the start of the current process
	last    workdir.StatPoint
	corpus  int           // work corpus entries, as of the last progress line
	stuck   int           // consecutive crashes on signatures already stored
	sliceD  time.Duration // current slice's fuzzing time
	inSlice time.Duration // of which its finished processes fuzzed
	began   time.Time     // current slice's start
	proc    time.Time     // current process's start
	fuzzAt  time.Time     // when the current process ended its baseline pass
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
	if opts.Build == nil {
		opts.Build = engine.Build
	}
	if opts.Fuzz == nil {
		opts.Fuzz = engine.Fuzz
	}
	disp := opts.Display
	if disp == nil {
		disp = nopDisplay{}
	}
	return &Runner{opts: opts, disp: disp, known: make(map[string]bool)}, nil
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
	if err := r.resetGuard(); err != nil {
		return nil, err
	}

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
	if msg := budgetWarning(r.opts.Total, len(r.states), r.workers()); msg != "" {
		r.disp.Event(msg)
	}
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
			bin, err := r.opts.Build(ctx, r.opts.ModuleRoot, st.t, r.wd.BinDir())
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

// retire marks st as impossible to fuzz further. Caller holds r.mu.
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
	return min(max(1, r.opts.Jobs/r.opts.Parallel), len(r.opts.Targets))
}

// finish completes and writes the summary.
func (r *Runner) finish(ctx context.Context) *workdir.Summary {
	r.mu.Lock()
	r.summary.Interrupted = ctx.Err() != nil
	r.summary.RunnerCPU = selfCPU()
	for _, st := range r.states {
		// A target whose slices all ended in the baseline pass did no
		// fuzzing: say so, never "ok".
		if st.sum.Status == workdir.StatusOK && st.sum.Execs == 0 {
			st.sum.Status = workdir.StatusNotFuzzed
		}
		if st.phase == "waiting" || st.phase == "queued" {
			st.phase = st.sum.Status
		}
	}
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
		ts.Skipped = append([]string(nil), st.sum.Skipped...)
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
