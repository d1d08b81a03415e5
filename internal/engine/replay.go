package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// replayPrefix starts the name of every file Replay places in a package's
// testdata/fuzz/<Name>/: fuzzrun-<pid>-<hash>. The pid lets a later Replay
// remove what a killed one left behind.
const replayPrefix = "fuzzrun-"

// ReplayOptions says which input to run against which target.
type ReplayOptions struct {
	ModuleRoot string        // absolute module root (required)
	Target     target.Target // the fuzz test (required)
	// Input is the raw input, the single []byte argument of a daemonfuzz
	// target. GoFile, if set, is a whole Go corpus file and wins, for
	// targets of other shapes.
	Input  []byte
	GoFile []byte
	// Timeout bounds the run; exceeding it is a hang. 0 means DefaultHangTimeout.
	Timeout time.Duration
	// MemLimitMB limits the run's address space to StartupReserveMB plus
	// this many MiB; the runtime failing to allocate under it is an OOM.
	// 0 means no limit.
	MemLimitMB int
	// Binary is a test binary from Build to reuse; if empty, Replay builds one.
	Binary string
	// Env is added to the replay process's environment (this process's
	// own is passed on, and is never changed for it).
	Env []string
}

// ReplayResult is the outcome of one replay.
type ReplayResult struct {
	Failed bool   // the input fails against the current code
	Output []byte // the test's output, with the stack of a failure
	Kind   string // "", KindHang or KindOOM
}

// Replay runs one input against the current code of its target: it places
// the input in the package's testdata/fuzz/<Name>/ under a fuzzrun- name,
// runs just that corpus entry, and removes it again whatever happens. The
// package's own testdata is otherwise untouched.
func Replay(ctx context.Context, opts ReplayOptions) (ReplayResult, error) {
	t := opts.Target
	dir := t.AbsDir(opts.ModuleRoot)
	fuzzDir := crashDir(dir, t.Name)
	cleanStale(fuzzDir)
	data := opts.GoFile
	if data == nil {
		data = corpusfile.Encode(opts.Input)
	}
	bin := opts.Binary
	if bin == "" {
		tmp, err := os.MkdirTemp("", "fuzzrun-replay-")
		if err != nil {
			return ReplayResult{}, err
		}
		defer os.RemoveAll(tmp)
		if bin, err = Build(ctx, opts.ModuleRoot, t, tmp); err != nil {
			return ReplayResult{}, err
		}
	}
	created := missingDirs(dir, fuzzDir)
	name := replayPrefix + strconv.Itoa(os.Getpid()) + "-" + corpus.Name(data)
	path := filepath.Join(fuzzDir, name)
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return ReplayResult{}, fmt.Errorf("replay %s: %w", t.ID(), err)
	}
	defer func() {
		os.Remove(path)
		for _, d := range created {
			os.Remove(d) // only empty directories go
		}
	}()
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultHangTimeout
	}
	return replayFile(ctx, bin, dir, t.Name, name, timeout, opts.MemLimitMB, opts.Env)
}

// StartupReserveMB is the address space a Go test binary reserves at
// start-up on linux/amd64 before running anything (heap arena index, page
// summaries: measured at 1.2 GiB); a replay's address-space limit is
// MemLimitMB on top of it.
const StartupReserveMB = 1280

// replayFile runs the corpus entry testdata/fuzz/<name>/<file> of the
// package in dir with the test binary bin, env added to its environment.
//
// A hang is confirmed with its stack: the process runs with
// GOTRACEBACK=crash and gets SIGQUIT when the deadline passes, so every
// thread prints the goroutine it runs, the looping one included (Go's own
// -test.timeout panic prints "goroutine running on other thread; stack
// unavailable" for it). -test.timeout stays as a backstop.
//
// An oom is confirmed only when the runtime fails: with memMB set, the
// process's address space is limited (ulimit -v) to StartupReserveMB plus
// memMB, and an input is an oom when the runtime reports that it is out of
// memory, with the stack of the allocating goroutine. An allocation the
// runtime completes under the limit is not an oom, however large.
func replayFile(ctx context.Context, bin, dir, name, file string, timeout time.Duration, memMB int, env []string) (ReplayResult, error) {
	args := []string{
		"-test.run=^" + regexp.QuoteMeta(name) + "$/^" + regexp.QuoteMeta(file) + "$",
		"-test.timeout=" + (timeout + 2*DefaultStopGrace).String(),
		"-test.count=1",
	}
	// sh execs the binary after lowering its own limits: no window in which
	// the binary runs without them. No core files from GOTRACEBACK=crash.
	limit := "unlimited"
	if memMB > 0 {
		limit = strconv.Itoa((memMB + StartupReserveMB) * 1024)
	}
	cmd := exec.Command("/bin/sh", append([]string{"-c", `ulimit -c 0; ulimit -v "$0" && exec "$@"`, limit, bin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOTRACEBACK=crash"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := startGroup(cmd); err != nil {
		return ReplayResult{}, fmt.Errorf("replay %s/%s: %w", name, file, err)
	}
	var quit atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		quit.Store(true)
		syscall.Kill(cmd.Process.Pid, syscall.SIGQUIT)
	})
	hard, cancel := context.WithTimeout(ctx, timeout+3*DefaultStopGrace)
	defer cancel()
	err := waitGroup(hard, cmd, time.Second)
	timer.Stop()
	if ctx.Err() != nil {
		return ReplayResult{}, fmt.Errorf("replay %s/%s: %w", name, file, ctx.Err())
	}
	res := ReplayResult{Output: out.Bytes()}
	if len(res.Output) > maxFailureOutput {
		res.Output = res.Output[:maxFailureOutput]
	}
	if bytes.Contains(res.Output, []byte("failed to reserve page summary memory")) || bytes.Contains(res.Output, []byte("failed to allocate arena index")) {
		return res, fmt.Errorf("replay %s/%s: the test binary cannot start within the memory limit; raise it", name, file)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		if bytes.Contains(res.Output, []byte("no tests to run")) {
			return res, fmt.Errorf("replay %s/%s: the test binary ran no test; is %s a fuzz test of this package?", name, file, name)
		}
	case errors.As(err, &exitErr):
		res.Failed = true
	default:
		return res, fmt.Errorf("replay %s/%s: %w", name, file, err)
	}
	switch {
	case outOfMemory.Match(res.Output):
		res.Kind = KindOOM
	case quit.Load() || hard.Err() != nil || bytes.Contains(res.Output, []byte("panic: test timed out after")):
		res.Kind = KindHang
	}
	return res, nil
}

// outOfMemory matches the runtime's report of an allocation it could not
// make.
var outOfMemory = regexp.MustCompile(`(?m)^(fatal error: )?runtime: out of memory`)

// missingDirs returns the directories from dir down to leaf that do not
// exist yet, deepest first, so they can be removed again afterwards.
func missingDirs(dir, leaf string) []string {
	var out []string
	for d := leaf; d != dir && strings.HasPrefix(d, dir); d = filepath.Dir(d) {
		if dirExists(d) {
			break
		}
		out = append(out, d)
	}
	return out
}

// cleanStale removes replay files left by fuzzrun processes that no longer
// run (killed before their cleanup ran): left in place they would make the
// package's go test fail.
func cleanStale(fuzzDir string) {
	ents, err := os.ReadDir(fuzzDir)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), replayPrefix)
		if !ok {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || !alive(pid) {
			os.Remove(filepath.Join(fuzzDir, e.Name()))
		}
	}
}

// alive reports whether a process with pid exists.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
