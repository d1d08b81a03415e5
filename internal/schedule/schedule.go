// Package schedule decides which fuzz target a free worker runs next and for
// how long. It is pure: the runner feeds it the state of every target and
// the time left, so the policy is table-tested without running anything.
//
// The policy: fuzzing time is cut into slices. Every target gets a first
// slice before any gets a second; after that, the free worker goes to the
// target with the best (new inputs in its last slice + 1) / time fuzzed so
// far, so targets still finding new coverage get more time, plateaued ones
// keep getting some, and the least-fuzzed catch up. A per-target budget
// replaces slicing: each target runs once for its whole budget (and again
// for what is left after a crash).
package schedule

import (
	"math"
	"time"
)

// Target is the scheduler's view of one target.
type Target struct {
	Fuzzed  time.Duration // fuzzing time given so far in this run
	Slices  int           // slices started so far
	LastNew int           // new inputs its last finished slice found
	Running bool          // a worker is fuzzing it now
	Done    bool          // retired: it cannot be fuzzed (a failing seed, a build error)
	// Budget is the per-target fuzzing budget; 0 means the run has a total
	// budget instead.
	Budget time.Duration
}

// Config tunes the slices. A slice's length is fuzzing time, counted from
// the end of the process's baseline coverage pass.
type Config struct {
	Slice    time.Duration // the length of a slice under a total budget
	MinSlice time.Duration // a slice shorter than this is not worth a process start
	// Workers and Overhead (the expected wall time of a process start and
	// its baseline pass) shorten first slices when the wall time left
	// would not reach every target otherwise: each target waiting for its
	// first slice gets at most its share of what is left, but at least
	// MinSlice. Zero Workers turns this off.
	Workers  int
	Overhead time.Duration
}

// NoLimit is the remaining time of a run without a total budget.
const NoLimit = time.Duration(math.MaxInt64)

// Next picks the target a free worker should fuzz next and the slice
// length. remaining is the wall-clock time left in the run (NoLimit when it
// has only per-target budgets). ok is false when nothing should start: every
// target is running, retired or out of budget, or too little time is left.
func Next(ts []Target, remaining time.Duration, cfg Config) (idx int, d time.Duration, ok bool) {
	if remaining < cfg.MinSlice {
		return -1, 0, false
	}
	best, bestScore := -1, -1.0
	for i, t := range ts {
		if t.Running || t.Done {
			continue
		}
		if t.Budget > 0 && t.Budget-t.Fuzzed < cfg.MinSlice {
			continue
		}
		if t.Slices == 0 {
			best = i
			break
		}
		if s := score(t); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return -1, 0, false
	}
	t := ts[best]
	d = cfg.Slice
	if t.Budget > 0 {
		d = t.Budget - t.Fuzzed
	}
	if t.Slices == 0 && t.Budget == 0 && cfg.Workers > 0 && remaining != NoLimit {
		pending := 0
		for _, u := range ts {
			if u.Slices == 0 && !u.Done && !u.Running {
				pending++
			}
		}
		share := remaining*time.Duration(cfg.Workers)/time.Duration(pending) - cfg.Overhead
		d = min(d, max(share, cfg.MinSlice))
	}
	d = min(d, remaining)
	if d <= 0 {
		return -1, 0, false
	}
	return best, d, true
}

// score ranks a target that has had a slice: higher runs first.
func score(t Target) float64 {
	fuzzed := max(t.Fuzzed, time.Second).Seconds()
	return float64(t.LastNew+1) / fuzzed
}

// Need is the least total budget in which n targets on workers concurrent
// processes each get a first slice of minSlice fuzzing after a process start
// and baseline pass of about overhead.
func Need(n, workers int, minSlice, overhead time.Duration) time.Duration {
	if n <= 0 || workers <= 0 {
		return 0
	}
	rounds := time.Duration((n + workers - 1) / workers)
	return rounds * (minSlice + overhead)
}

// Bounds of SliceLength.
const (
	MinSliceLength = 15 * time.Second
	MaxSliceLength = 10 * time.Minute
)

// SliceLength is the slice for a run of total wall time over n targets on
// workers concurrent processes. When every target has its own worker there
// is nothing to share, so one slice is the whole run (no process restarts,
// no repeated baseline coverage passes). Otherwise each target's fair share
// is cut into about three slices, so time can move to productive targets,
// within [MinSliceLength, MaxSliceLength]; but never so long that some
// target would not get a first slice: ceil(n/workers) rounds must fit.
func SliceLength(total time.Duration, n, workers int) time.Duration {
	if n <= 0 || workers <= 0 || n <= workers {
		return total
	}
	share := total * time.Duration(workers) / time.Duration(n)
	rounds := time.Duration((n + workers - 1) / workers)
	return min(max(share/3, MinSliceLength), MaxSliceLength, total/rounds)
}
