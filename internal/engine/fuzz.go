package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// DefaultHangTimeout is how long executions may stall before the input
// being run counts as a hang.
const DefaultHangTimeout = 10 * time.Second

// maxFailureOutput bounds the failure output kept for a crash.
const maxFailureOutput = 1 << 20

// FuzzOptions configures one fuzzing process. The zero value of every
// optional field is valid.
type FuzzOptions struct {
	Binary     string        // test binary from Build (required)
	ModuleRoot string        // absolute module root (required)
	Target     target.Target // the fuzz test to run (required)
	// CacheDir is passed as -test.fuzzcachedir: Go keeps the target's working
	// corpus in CacheDir/<Name>, so a later process resumes from it.
	CacheDir string
	// Duration is the fuzzing time, counted from the end of the baseline
	// coverage pass (Go's own -test.fuzztime counts that pass too, so a
	// target with a large corpus got no fuzzing at all from a short slice);
	// the process is then stopped as Ctrl-C stops it. 0 fuzzes until ctx is
	// done.
	Duration time.Duration
	// Parallel is the number of fuzzing workers; 0 means 1.
	Parallel int
	// MinimizeTime is -test.fuzzminimizetime; 0 turns Go's minimisation off,
	// which fuzzrun wants (see DESIGN's measured facts).
	MinimizeTime time.Duration
	// HangTimeout is how long executions may stall before the running input
	// is recorded as a hang; 0 means DefaultHangTimeout, negative disables.
	HangTimeout time.Duration
	// MemLimitMB aborts a worker whose resident memory passes it; 0: no limit.
	MemLimitMB int
	// StopGrace is the time between SIGINT and SIGKILL; 0 means DefaultStopGrace.
	StopGrace time.Duration
	// OnEvent, if set, sees every parsed output event as it arrives.
	OnEvent func(Event)
	// Env is added to the process's environment (KEY=value), for the
	// build overlay's switches (see internal/coverage).
	Env []string
}

// Result is what one fuzzing process did.
type Result struct {
	// Baseline is how long the process took to start and run its baseline
	// coverage pass; Fuzzing how long it fuzzed after that (0 if it never
	// got past the baseline pass).
	Baseline, Fuzzing time.Duration
	Elapsed           time.Duration // Go's elapsed time of the last progress line, baseline included
	Execs             int64
	New               int // new interesting inputs
	Corpus            int // corpus size at the end
	Crash             *Crash
	Interrupted       bool // ctx ended the process
	// Skipped is set when the target skipped itself (f.Skip before
	// f.Fuzz: a capability or a file it needs is missing): what it logged,
	// or "skipped" when it logged nothing. The process did no fuzzing and
	// another would do none either.
	Skipped string
}

// Fuzz runs one `-test.fuzz` process for opts.Target and waits for it. A
// crash is returned in Result.Crash, its one way out, with a nil error:
// finding crashes is the point. The error reports a process that could not
// fuzz at all: a seed that fails (*SeedFailureError), or any other failure
// (*ProcessError).
func Fuzz(ctx context.Context, opts FuzzOptions) (Result, error) {
	t := opts.Target
	dir := t.AbsDir(opts.ModuleRoot)
	parallel := max(opts.Parallel, 1)
	hang := opts.HangTimeout
	if hang == 0 {
		hang = DefaultHangTimeout
	}
	args := []string{
		"-test.run=^$",
		"-test.fuzz=^" + t.Name + "$",
		"-test.fuzzminimizetime=" + opts.MinimizeTime.String(),
		"-test.parallel=" + fmt.Sprint(parallel),
		"-test.timeout=0",
		// -test.v: without it a target that skips itself (f.Skip) ends
		// with a bare PASS, indistinguishable from a slice spent in the
		// baseline pass; with it Go prints "--- SKIP" and the reason.
		"-test.v",
	}
	if opts.CacheDir != "" {
		args = append(args, "-test.fuzzcachedir="+opts.CacheDir)
	}
	cmd := exec.Command(opts.Binary, args...)
	cmd.Dir = dir
	if len(opts.Env) > 0 {
		cmd.Env = append(os.Environ(), opts.Env...)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return Result{}, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	// Go creates testdata/fuzz/<Name> for a crasher; what it creates goes
	// again with the crasher, so the package's tree ends as it began.
	created := missingDirs(dir, crashDir(dir, t.Name))
	if err := startGroup(cmd); err != nil {
		pr.Close()
		pw.Close()
		return Result{}, fmt.Errorf("start %s: %w", t.ID(), err)
	}
	pw.Close()

	wd := &watchdog{leader: cmd.Process.Pid, memMB: int64(opts.MemLimitMB)}
	if hang > 0 {
		wd.stall = hang + opts.MinimizeTime
	}
	stopWatch := make(chan struct{})
	go wd.run(stopWatch)
	// The slice ends Duration after the baseline pass: SIGINT to the
	// coordinator alone, which then stops its workers and exits as after
	// -test.fuzztime (a signal to the whole group can kill a worker first,
	// which the coordinator reports as a crash); stopCtx stops the group if
	// it has not exited within the grace. Neither is an interruption.
	stopCtx, endSlice := context.WithCancel(ctx)
	defer endSlice()
	var sliceEnded atomic.Bool
	grace := opts.StopGrace
	if grace <= 0 {
		grace = DefaultStopGrace
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- waitGroup(stopCtx, cmd, opts.StopGrace) }()

	var res Result
	began := time.Now()
	var fuzzAt time.Time
	var timer *time.Timer
	st := readOutput(pr, func(e Event) {
		wd.observe(e, time.Now())
		if (e.Kind == EventFuzzing || e.Kind == EventProgress) && fuzzAt.IsZero() {
			fuzzAt = time.Now()
			res.Baseline = fuzzAt.Sub(began)
			if opts.Duration > 0 {
				timer = time.AfterFunc(opts.Duration, func() {
					sliceEnded.Store(true)
					cmd.Process.Signal(os.Interrupt)
					time.AfterFunc(grace, endSlice)
				})
			}
		}
		if e.Kind == EventProgress {
			res.Elapsed, res.Execs, res.New, res.Corpus = e.Elapsed, e.Execs, e.New, e.Corpus
		}
		if opts.OnEvent != nil {
			opts.OnEvent(e)
		}
	})
	pr.Close()
	err = <-waitErr
	close(stopWatch)
	if timer != nil {
		timer.Stop()
	}
	if !fuzzAt.IsZero() {
		res.Fuzzing = time.Since(fuzzAt)
		if opts.Duration > 0 {
			res.Fuzzing = min(res.Fuzzing, opts.Duration)
		}
	} else {
		res.Baseline = time.Since(began)
	}
	res.Interrupted = ctx.Err() != nil
	ended := (sliceEnded.Load() || stopCtx.Err() != nil) && !res.Interrupted

	if st.crashPath != "" {
		c, cerr := collectCrash(ctx, opts, dir, st, wd.kind(), hang)
		for _, d := range created {
			os.Remove(d) // only empty directories go
		}
		if cerr != nil {
			return res, cerr
		}
		res.Crash = &c
		return res, nil
	}
	if err == nil && fuzzAt.IsZero() && st.skipped {
		res.Skipped = st.skipReason()
		return res, nil
	}
	if err == nil || res.Interrupted || st.deadlineOnly() || ended && st.seedFailure == "" && !st.unexpected && len(st.failure) == 0 {
		return res, nil
	}
	if st.seedFailure != "" {
		// A failing seed is a finding like any other: the runner stores
		// it, and the next process's guard skips it.
		c := seedCrash(opts, dir, st)
		res.Crash = &c
		return res, nil
	}
	return res, &ProcessError{Target: t, Err: err, Output: st.tail()}
}

// outputState is what readOutput learned from a process's output.
type outputState struct {
	failure     []byte   // from the first "--- FAIL" line on
	last        []string // the last lines, for errors
	crashPath   string   // "Failing input written to" path
	unexpected  bool     // a worker died rather than failing cleanly
	seedFailure string   // "failure while testing seed corpus entry: X"
	skipped     bool     // "--- SKIP: Name": the target skipped itself
	logged      []string // what the target logged since its "=== RUN" line
}

// skipReason is what a target that skipped itself logged, on one line.
func (s *outputState) skipReason() string {
	var parts []string
	for _, l := range s.logged {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		return "skipped"
	}
	return strings.Join(parts, "; ")
}

const tailLines = 40

func (s *outputState) tail() string { return strings.Join(s.last, "\n") }

// deadlineOnly reports a failure whose only message is "context deadline
// exceeded": Go's fuzzing coordinator prints it when -test.fuzztime runs out
// while a worker is slow to answer (seen on a loaded machine), with no
// failing input. That is the end of the slice, not a target failure.
func (s *outputState) deadlineOnly() bool {
	if s.crashPath != "" || s.unexpected || len(s.failure) == 0 {
		return false
	}
	msg := ""
	for _, l := range strings.Split(string(s.failure), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == "FAIL" || strings.HasPrefix(l, "--- FAIL") || strings.HasPrefix(l, "exit status") {
			continue
		}
		if msg != "" {
			return false
		}
		msg = l
	}
	return msg == "context deadline exceeded"
}

// readOutput reads r line by line until EOF, reporting events to onEvent.
func readOutput(r io.Reader, onEvent func(Event)) *outputState {
	st := &outputState{}
	br := bufio.NewReader(r)
	inFailure := false
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			e := ParseLine(line)
			switch e.Kind {
			case EventFail:
				inFailure = true
			case EventCrashFile:
				st.crashPath = e.Path
			case EventUnexpected:
				st.unexpected = true
			}
			switch {
			case strings.HasPrefix(line, "=== RUN"):
				st.logged = st.logged[:0]
			case strings.HasPrefix(line, "--- SKIP: "):
				st.skipped = true
			case strings.HasPrefix(line, "    ") && !st.skipped && len(st.logged) < 8:
				st.logged = append(st.logged, line)
			}
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "failure while testing seed corpus entry: "); ok {
				st.seedFailure = rest
			}
			if inFailure && len(st.failure) < maxFailureOutput {
				st.failure = append(st.failure, line...)
			}
			st.last = append(st.last, strings.TrimRight(line, "\n"))
			if len(st.last) > tailLines {
				st.last = st.last[1:]
			}
			if e.Kind != EventNone {
				onEvent(e)
			}
		}
		if err != nil {
			return st
		}
	}
}

// SeedFailureError is a target whose seed corpus already fails. Fuzz
// reports a failing seed as a Crash (with Seed set) now; the type stays for
// callers that want the old message.
type SeedFailureError struct {
	Target target.Target
	Entry  string
	Output string
}

func (e *SeedFailureError) Error() string {
	return fmt.Sprintf("%s: seed corpus entry %s fails before fuzzing starts; fix the target or the seed (%s test -run='^%s$' %s):\n%s",
		e.Target.ID(), e.Entry, e.Target.GoCommand(), e.Target.Name, e.Target.PackageArg(), e.Output)
}

// ProcessError is a fuzzing process that ended in failure without a crasher.
type ProcessError struct {
	Target target.Target
	Err    error
	Output string
}

func (e *ProcessError) Error() string {
	return fmt.Sprintf("%s: fuzzing process failed: %v\n%s", e.Target.ID(), e.Err, e.Output)
}

func (e *ProcessError) Unwrap() error { return e.Err }

func dirExists(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }

// errNoCrashFile reports a crash path that Go printed but did not write.
var errNoCrashFile = errors.New("failing input file missing")
