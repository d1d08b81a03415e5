package run

import (
	"context"
	"fmt"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/schedule"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// Scheduling constants. A slice is fuzzing time after the baseline pass.
const (
	// minSlice is the least fuzzing time worth a process start.
	minSlice = 5 * time.Second
	// overheadGuess is the assumed wall time of a process start and its
	// baseline pass until the run has measured some.
	overheadGuess = 5 * time.Second
	// baselineGrace bounds a process's start and baseline pass beyond its
	// slice: a process still not fuzzing after it is stopped.
	baselineGrace = 5 * time.Minute
)

// budgetWarning says, before anything runs, when a total budget cannot give
// every target a first slice: the targets it does not reach end as "not
// run" or "not fuzzed" in the summary.
func budgetWarning(total time.Duration, n, workers int) string {
	if total <= 0 {
		return ""
	}
	need := schedule.Need(n, workers, minSlice, overheadGuess)
	if total >= need {
		return ""
	}
	return fmt.Sprintf("warning: -time %s is too small for %d targets on %d workers: each needs a process start and a baseline pass (about %s) and at least %s of fuzzing, about %s in all; the targets it does not reach are reported as 'not run' or 'not fuzzed'. Give -time %s or more, or select fewer targets",
		total, n, workers, overheadGuess, minSlice, need.Round(time.Second), need.Round(time.Minute)+time.Minute)
}

// loop hands slices to free workers until nothing is left to run.
func (r *Runner) loop(ctx context.Context) {
	cfg := schedule.Config{MinSlice: minSlice, Workers: r.workers(), Overhead: overheadGuess}
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
			cfg.Overhead = r.overhead()
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

// overhead is the mean start and baseline time of the processes so far,
// at least overheadGuess.
// Caller holds r.mu.
func (r *Runner) overhead() time.Duration {
	var sum time.Duration
	n := 0
	for _, st := range r.states {
		if p := st.sum.Slices + st.sum.Restarts; p > 0 && st.sum.Baseline > 0 {
			sum += time.Duration(st.sum.Baseline)
			n += p
		}
	}
	if n == 0 {
		return overheadGuess
	}
	// Pessimistic: a loaded machine makes the big corpora's baseline passes
	// take several times the small ones', and reaching every target matters
	// more than a longer first slice for the early ones.
	return max(sum/time.Duration(n), overheadGuess)
}

// slice fuzzes st for d of fuzzing time, restarting it after each crash for
// the rest of d. A crash on a signature new to the run is progress; a target
// that crashes MaxStuckRestarts times in a row on signatures the run already
// stored is retired.
func (r *Runner) slice(ctx context.Context, st *targetState, d time.Duration) {
	left := d
	r.mu.Lock()
	st.inSlice = 0
	r.mu.Unlock()
	wallEnd := time.Now().Add(d + baselineGrace) // restarts' baseline passes do not count as fuzzing
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
		if ctx.Err() != nil || left < time.Second || time.Now().After(wallEnd) {
			return
		}
		res, err := r.fuzzOnce(ctx, st, left)
		left -= max(res.Fuzzing, 0)
		r.mu.Lock()
		st.inSlice = d - left
		st.sched.Fuzzed += res.Fuzzing
		if res.Fuzzing <= 0 && res.Crash == nil && err == nil {
			// A process that never got past its baseline pass: charge its
			// wall time, or a per-target budget would never run out.
			st.sched.Fuzzed += max(res.Baseline, time.Second)
		}
		st.sum.Fuzzed += workdir.Duration(res.Fuzzing)
		st.sum.Baseline += workdir.Duration(res.Baseline)
		newInSlice += res.New
		if err != nil {
			r.retire(st, err)
		}
		if res.Skipped != "" {
			// The target skipped itself: no process would fuzz it here.
			st.sched.Done = true
			st.phase = workdir.StatusSkipped
			st.sum.Status, st.sum.Error = workdir.StatusSkipped, res.Skipped
			r.disp.Event(fmt.Sprintf("%s: skipped by the target itself, not fuzzed: %s", st.t.ID(), res.Skipped))
			r.mu.Unlock()
			return
		}
		retired := st.sched.Done
		switch {
		case res.Interrupted && st.sum.Status == workdir.StatusNotRun:
			st.sum.Status = workdir.StatusInterrupted
		case res.Crash == nil && !retired && !res.Interrupted && st.sum.Status == workdir.StatusNotRun:
			st.sum.Status = workdir.StatusOK
		}
		r.mu.Unlock()
		if res.Crash == nil || retired || res.Interrupted {
			return
		}
		progress := r.handleCrash(st, *res.Crash)
		r.mu.Lock()
		if progress {
			st.stuck = 0
		} else {
			st.stuck++
		}
		if st.stuck >= MaxStuckRestarts {
			r.retire(st, fmt.Errorf("crashed %d times in a row on signatures already stored in this run, which its guard cannot skip (a hang, an out-of-memory, a fatal runtime error or a failure on another goroutine; see README); fix the bug or suppress it so fuzzing can go past it", st.stuck))
			r.mu.Unlock()
			return
		}
		st.sum.Restarts++
		st.phase = "restarting"
		r.mu.Unlock()
	}
}
