package engine

import (
	"sync"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"syscall"
	"time"
)

// Crash kinds beyond a plain failure (a panic or an oracle violation, "").
// They are internal/signature's: one definition of the kinds for the engine,
// the signatures and the store.
const (
	KindHang = signature.KindHang // an input ran longer than the hang timeout
	KindOOM  = signature.KindOOM  // an input made a process pass the memory limit
)

// watchInterval is how often the watchdog reads the process tree.
const watchInterval = 500 * time.Millisecond

// watchdog adds what Go's engine lacks: a hang timer and a memory limit. It
// aborts the offending process with SIGABRT, which Go's coordinator treats as
// a crash of the input being executed (SIGKILL would be taken for the kernel's
// OOM killer and dropped), and remembers why it did.
type watchdog struct {
	leader   int
	memMB    int64         // 0: no memory limit
	stall    time.Duration // 0: no hang detection; else executions may not stall longer
	inLeader bool          // the leader runs inputs itself (replay), not only its workers

	mu         sync.Mutex
	fuzzing    bool
	lastExecs  int64
	lastChange time.Time
	fired      string
}

// observe feeds the watchdog the process's progress.
func (w *watchdog) observe(e Event, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e.Kind {
	case EventFuzzing:
		w.fuzzing, w.lastChange = true, now
	case EventProgress:
		if !w.fuzzing || e.Execs != w.lastExecs {
			w.fuzzing, w.lastExecs, w.lastChange = true, e.Execs, now
		}
	}
}

// kind is why the watchdog aborted a process, or "".
func (w *watchdog) kind() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

// run checks the process tree until stop is closed.
func (w *watchdog) run(stop <-chan struct{}) {
	if w.memMB <= 0 && w.stall <= 0 {
		return
	}
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			if w.check(now) {
				return
			}
		}
	}
}

// check runs one round and reports whether the watchdog fired.
func (w *watchdog) check(now time.Time) bool {
	procs := descendants(w.leader)
	if w.inLeader {
		procs = append([]int{w.leader}, procs...)
	}
	if w.memMB > 0 {
		for _, p := range procs {
			if mb, err := memMB(p); err == nil && mb > w.memMB {
				w.fire(KindOOM, []int{p})
				return true
			}
		}
	}
	w.mu.Lock()
	stalled := w.stall > 0 && w.fuzzing && now.Sub(w.lastChange) > w.stall
	w.mu.Unlock()
	if stalled && len(procs) > 0 {
		// Go's output does not say which worker is stuck; with one worker
		// (fuzzrun's default) this is exact, with more every worker is
		// aborted and the recorded input is confirmed by replay.
		w.fire(KindHang, procs)
		return true
	}
	return false
}

func (w *watchdog) fire(kind string, pids []int) {
	w.mu.Lock()
	w.fired = kind
	w.mu.Unlock()
	for _, p := range pids {
		syscall.Kill(p, syscall.SIGABRT)
	}
}
