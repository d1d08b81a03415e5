package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// fuzzOnce runs one fuzzing process of st for d of fuzzing time.
func (r *Runner) fuzzOnce(ctx context.Context, st *targetState, d time.Duration) (engine.Result, error) {
	r.mu.Lock()
	st.base = st.last
	st.phase = "baseline"
	st.proc, st.fuzzAt = time.Now(), time.Time{}
	r.mu.Unlock()
	skipped := r.wd.SkippedPath(st.t)
	if err := os.MkdirAll(filepath.Dir(skipped), 0o755); err != nil {
		r.disp.Event(fmt.Sprintf("%s: %v", st.t.ID(), err))
	}
	defer func() {
		r.mu.Lock()
		if !st.fuzzAt.IsZero() {
			// Count the fuzzing seconds since the last progress line.
			st.last.Elapsed = st.base.Elapsed + time.Since(st.fuzzAt).Seconds()
			r.updateRate(st)
		}
		st.sum.Skipped = readSkipped(skipped)
		r.mu.Unlock()
	}()
	// The engine ends the process d after its baseline pass; the hard
	// deadline only catches a process that never gets there.
	pctx, cancel := context.WithTimeout(ctx, d+baselineGrace)
	defer cancel()
	return r.opts.Fuzz(pctx, engine.FuzzOptions{
		Binary: st.bin, ModuleRoot: r.opts.ModuleRoot, Target: st.t,
		CacheDir: r.wd.CacheDir(st.t), Duration: d, Parallel: r.opts.Parallel,
		MinimizeTime: r.opts.MinimizeTime, HangTimeout: r.opts.HangTimeout, MemLimitMB: r.opts.MemLimitMB,
		OnEvent: func(e engine.Event) { r.onEvent(st, e) },
		Env:     []string{coverage.EnvKnown + "=" + r.wd.KnownPath(), coverage.EnvSkipped + "=" + skipped},
	})
}

// onEvent folds one engine event into st and its time series.
func (r *Runner) onEvent(st *targetState, e engine.Event) {
	if e.Kind != engine.EventFuzzing && e.Kind != engine.EventProgress {
		return
	}
	corpus := -1
	if e.Kind == engine.EventProgress {
		corpus = countFiles(r.wd.CorpusDir(st.t))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st.phase = "fuzzing"
	if st.fuzzAt.IsZero() {
		st.fuzzAt = time.Now()
	}
	if e.Kind == engine.EventFuzzing {
		return
	}
	st.corpus = corpus
	now := time.Now()
	p := workdir.StatPoint{
		Time: now.UTC(), Run: r.started,
		Elapsed: st.base.Elapsed + now.Sub(st.fuzzAt).Seconds(),
		Execs:   st.base.Execs + e.Execs,
		Corpus:  corpus,
		New:     st.base.New + e.New,
		Crashes: st.sum.Crashes,
	}
	p.ExecsPerSec = intervalRate(st.last, p)
	st.last = p
	r.updateRate(st)
	if err := r.appendStat(st, p); err != nil {
		r.disp.Event(err.Error())
	}
}

// intervalRate is the execution rate between two points of one run. Go
// prints a last progress line when a process stops, often within a second
// of the one before and after its workers stopped: its own interval rate is
// then near 0, and the series would end in a dive. An interval under 2 s
// of fuzzing keeps the previous rate.
func intervalRate(prev, p workdir.StatPoint) float64 {
	dt := p.Elapsed - prev.Elapsed
	if dt < 2 || !prev.Run.Equal(p.Run) {
		if prev.ExecsPerSec > 0 && prev.Run.Equal(p.Run) {
			return prev.ExecsPerSec
		}
		if p.Elapsed > 0 {
			return float64(p.Execs) / p.Elapsed
		}
		return 0
	}
	return float64(p.Execs-prev.Execs) / dt
}

// updateRate refreshes st's summary counters from its last point. Caller
// holds r.mu.
func (r *Runner) updateRate(st *targetState) {
	st.sum.Execs, st.sum.New = st.last.Execs, st.last.New
	if secs := time.Duration(st.sum.Fuzzed).Seconds(); secs > 0 && !st.sched.Running {
		st.sum.ExecsPerSec = float64(st.last.Execs) / secs
	} else if st.last.Elapsed > 0 {
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

// handleCrash files a crash through the callback, adds its signature to
// the run's known list for the guard, and reports whether it was progress:
// a signature this run had not stored yet.
func (r *Runner) handleCrash(st *targetState, c engine.Crash) bool {
	if c.Kind == engine.KindHang && c.Replayed && !c.Reproduced {
		r.unconfirmed(st, c)
		return false
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
	// The store signs the same output the same way; signing it here keeps
	// the guard working when the store could not file the crash.
	id := ref.ID
	if sc, err := signature.Parse(c.Output, c.Kind); err == nil {
		id = sc.Sig.ID()
	}
	r.mu.Lock()
	progress := id != "" && !r.known[id]
	if progress {
		r.known[id] = true
	}
	st.sum.Crashes++
	st.sum.Status = workdir.StatusCrashed
	st.last.Crashes = st.sum.Crashes
	st.last.Time = time.Now().UTC()
	r.crashes = append(r.crashes, ref)
	err := r.appendStat(st, st.last)
	if progress && err == nil {
		err = r.writeKnown()
	}
	r.mu.Unlock()
	if err != nil {
		r.disp.Event(err.Error())
	}
	what := "crash"
	if c.Kind != "" {
		what = c.Kind
	}
	if c.Seed != "" {
		what += " in seed corpus entry " + c.Seed
	}
	msg := fmt.Sprintf("%s: %s found", st.t.ID(), what)
	if ref.Path != "" {
		msg += fmt.Sprintf(", stored in %s", ref.Path)
		if !ref.New {
			msg += " (known signature)"
		}
	}
	if progress {
		msg += "; restarted, skipping it from now on"
	}
	r.disp.Event(msg)
	return progress
}

// resetGuard empties the run's known-signature list and the skip notes of
// an earlier run.
func (r *Runner) resetGuard() error {
	dir := filepath.Dir(r.wd.KnownPath())
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("reset %s: %w", dir, err)
	}
	return r.writeKnown()
}

// writeKnown writes the run's known signatures for the next processes'
// guard. Caller holds r.mu (or is alone).
func (r *Runner) writeKnown() error {
	ids := make([]string, 0, len(r.known))
	for id := range r.known {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	data := strings.Join(ids, "\n")
	if data != "" {
		data += "\n"
	}
	if err := atomicfile.Write(r.wd.KnownPath(), []byte(data), 0o644); err != nil {
		return fmt.Errorf("write the run's known signatures: %w", err)
	}
	return nil
}

// readSkipped reads the distinct signature ids a target's guard noted.
func readSkipped(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	seen := make(map[string]bool)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
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

// snapshot copies the live state for the display: the summary's quantities
// under the summary's names.
func (r *Runner) snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Started: r.clock, Total: r.opts.Total, PerTarget: r.opts.PerTarget}
	for _, st := range r.states {
		row := Row{
			ID: st.t.ID(), Phase: st.phase, Execs: st.sum.Execs, ExecsPerSec: st.sum.ExecsPerSec,
			New: st.sum.New, Corpus: st.corpus, Crashes: st.sum.Crashes, Skipped: len(st.sum.Skipped),
			Fuzzed: time.Duration(st.sum.Fuzzed),
		}
		if st.sched.Running {
			inSlice := st.inSlice
			if !st.fuzzAt.IsZero() {
				row.Fuzzed += time.Since(st.fuzzAt)
				inSlice += time.Since(st.fuzzAt)
			}
			row.Left = max(0, st.sliceD-inSlice)
		}
		if !st.sched.Running && st.sum.Slices > 0 && st.sum.Execs == 0 && st.phase == "waiting" {
			row.Phase = "waiting, not fuzzed yet"
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}
