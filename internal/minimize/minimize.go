// Package minimize owns shrinking a crashing input while it keeps crashing
// the same way: delta debugging over bytes (removing chunks from halves down
// to single bytes), truncation of the tail, and simplification of what
// remains (chunks and bytes zeroed), with candidates tried in parallel and a
// time budget. What "crashing the same way" means is the caller's Test
// (daemonfuzz's is a replay whose signature id matches), so the package is
// independent of how inputs are run.
package minimize

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// Test reports whether candidate still reproduces the crash being
// minimised. An error aborts minimisation; the best input so far is kept.
type Test func(ctx context.Context, candidate []byte) (bool, error)

// Options configure Minimize. The zero value is valid.
type Options struct {
	// Workers is how many candidates are tested at once; 0 means one per core.
	Workers int
	// Budget bounds the whole minimisation; 0 means no limit beyond ctx.
	Budget time.Duration
	// MaxRuns bounds the number of tests; 0 means no limit.
	MaxRuns int
	// Batch, if set, is used instead of Test: it tests candidates in order
	// (in one process, say) and reports which pass. Workers is then the
	// number of candidates per batch.
	Batch BatchTest
	// Progress, if set, is called after every batch of candidates with the
	// runs so far and the size of the best input.
	Progress func(runs, best int)
}

// BatchTest reports, for each candidate in order, whether it still
// reproduces the crash. An error aborts minimisation.
type BatchTest func(ctx context.Context, candidates [][]byte) ([]bool, error)

// Result is the outcome of Minimize.
type Result struct {
	Input    []byte        // the smallest reproducing input found
	Runs     int           // tests run
	Elapsed  time.Duration // wall time
	Complete bool          // every pass ran to a fixed point within the budget
}

// ErrNotReproducing is returned when the input itself does not pass Test:
// there is nothing to minimise against.
var ErrNotReproducing = errors.New("the input does not reproduce the crash")

// Minimize shrinks input while test keeps passing. It first checks input
// itself, then repeats truncation, chunk removal and zeroing until none of
// them makes progress, the budget runs out, or ctx is done. Between equally
// good candidates the earliest in a pass wins, so the result does not depend
// on which worker finished first.
func Minimize(ctx context.Context, input []byte, test Test, opts Options) (Result, error) {
	start := time.Now()
	if opts.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Budget)
		defer cancel()
	}
	m := &minimizer{test: test, opts: opts, best: append([]byte(nil), input...)}
	if m.opts.Workers <= 0 {
		m.opts.Workers = runtime.NumCPU()
	}
	ok, err := m.run(ctx, [][]byte{m.best})
	if err != nil {
		return m.result(start, false), err
	}
	if ok < 0 {
		return m.result(start, false), ErrNotReproducing
	}
	for {
		progress := false
		for _, pass := range []func(context.Context) (bool, error){m.truncate, m.remove, m.zero} {
			p, err := pass(ctx)
			if err != nil {
				return m.result(start, false), stopErr(ctx, err)
			}
			progress = progress || p
		}
		if !progress {
			return m.result(start, true), nil
		}
	}
}

// stopErr turns the budget running out into success with the best so far.
func stopErr(ctx context.Context, err error) error {
	if errors.Is(err, errBudget) || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return nil
	}
	return err
}

var errBudget = errors.New("budget spent")

type minimizer struct {
	test Test
	opts Options
	best []byte
	runs int
}

func (m *minimizer) result(start time.Time, complete bool) Result {
	return Result{Input: m.best, Runs: m.runs, Elapsed: time.Since(start), Complete: complete}
}

// run tests candidates, Workers at a time, and returns the index of the
// first (lowest-index) one that passes, or -1.
func (m *minimizer) run(ctx context.Context, cands [][]byte) (int, error) {
	for lo := 0; lo < len(cands); lo += m.opts.Workers {
		hi := min(lo+m.opts.Workers, len(cands))
		if m.opts.MaxRuns > 0 && m.runs >= m.opts.MaxRuns {
			return -1, errBudget
		}
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		pass := make([]bool, hi-lo)
		errs := make([]error, hi-lo)
		if m.opts.Batch != nil {
			got, err := m.opts.Batch(ctx, cands[lo:hi])
			if err == nil && len(got) != hi-lo {
				err = errors.New("minimize: batch test returned the wrong number of results")
			}
			if err != nil {
				errs[0] = err
			} else {
				copy(pass, got)
			}
		} else {
			var wg sync.WaitGroup
			for i := lo; i < hi; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					pass[i-lo], errs[i-lo] = m.test(ctx, cands[i])
				}(i)
			}
			wg.Wait()
		}
		m.runs += hi - lo
		if m.opts.Progress != nil {
			m.opts.Progress(m.runs, len(m.best))
		}
		for i := range pass {
			if errs[i] != nil {
				if ctx.Err() != nil {
					return -1, ctx.Err()
				}
				return -1, errs[i]
			}
			if pass[i] {
				return lo + i, nil
			}
		}
	}
	return -1, nil
}

// try tests candidates built from the current best and adopts the first that
// passes. It reports whether one did.
func (m *minimizer) try(ctx context.Context, cands [][]byte) (bool, error) {
	if len(cands) == 0 {
		return false, nil
	}
	i, err := m.run(ctx, cands)
	if err != nil || i < 0 {
		return false, err
	}
	m.best = cands[i]
	return true, nil
}
