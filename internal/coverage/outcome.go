package coverage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
)

// Outcome is how one input ended when run on its own in a process that runs
// many: what a caller needs to tell crashes apart without a process per
// input.
type Outcome struct {
	Status Status
	// Panic, for Panicked, is the recovered panic's message, a newline, and
	// the stack of the panicking goroutine.
	Panic []byte
	// Output is go test's output about the input: for Failed, its "--- FAIL"
	// block with the failure message; for Hung, the process's output (a
	// fatal error's report and stack, when the runtime printed one).
	Output []byte
}

// Outcomes runs inputs one by one, as subtests of one test process per
// BatchSize inputs, with panics recovered in-process (EnvRecover), and
// returns how each ended. An input that ends the process anyway (a fatal
// runtime error, a hang past InputTimeout) is Hung, and the process is
// restarted after it. The environment of this process is passed on, plus
// Options.Env (where harness.NoSuppressEnv goes for strict replays).
func (b *Binary) Outcomes(ctx context.Context, inputs [][]byte) ([]Outcome, error) {
	out := make([]Outcome, len(inputs))
	for lo := 0; lo < len(inputs); {
		hi := min(lo+b.opts.BatchSize, len(inputs))
		next, err := b.outcomeRange(ctx, inputs, lo, hi, out)
		if err != nil {
			return out, err
		}
		lo = next
	}
	return out, nil
}

var failHead = regexp.MustCompile(`^\s*--- FAIL: (\S+)`)

// outcomeRange runs one process over inputs[lo:hi], fills out from what it
// recorded, and returns the index to continue at.
func (b *Binary) outcomeRange(ctx context.Context, inputs [][]byte, lo, hi int, out []Outcome) (int, error) {
	dir, err := b.scratch(inputs, lo, hi, false)
	if err != nil {
		return lo, err
	}
	defer os.RemoveAll(dir)
	recs := filepath.Join(dir, "records")
	text, runErr := b.execRecover(ctx, dir, recs)
	if err := ctx.Err(); err != nil {
		return lo, err
	}
	data, err := os.ReadFile(recs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return lo, err
	}
	got, started, err := parseRecords(data, b.Target.Name)
	if err != nil {
		return lo, fmt.Errorf("%s: %w", b.Target.Name, err)
	}
	blocks := failBlocks(text, b.Target.Name+"/"+inputPrefix)
	next := lo
	for i := lo; i < hi; i++ {
		r, ok := got[i]
		if !ok {
			break
		}
		out[i] = Outcome{Status: r.Status, Panic: r.Panic}
		if r.Status == Failed {
			out[i].Output = blocks[inputName(i)]
		}
		next = i + 1
	}
	if next == hi {
		return hi, nil
	}
	if started == next {
		// Begun, never finished: the process died on it or hung.
		out[next] = Outcome{Status: Hung, Output: []byte(text)}
		return next + 1, nil
	}
	if next > lo {
		return next, nil
	}
	return lo, fmt.Errorf("%s: the test process ran no input: %v\n%s", b.Target.Name, runErr, tail(text, 40))
}

// execRecover runs the binary in dir with panics recovered per input and
// returns its output. The process is killed when no input finishes for
// InputTimeout.
func (b *Binary) execRecover(ctx context.Context, dir, records string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	gocover := filepath.Join(dir, "gocoverdir")
	if err := os.MkdirAll(gocover, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, b.exe, "-test.run=^"+b.Target.Name+"$/^"+inputPrefix,
		"-test.gocoverdir="+gocover, "-test.parallel=1", "-test.timeout=0")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), EnvOut+"="+records, EnvRecover+"=1"), b.opts.Env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		return "", err
	}
	var hung atomic.Bool
	stop := make(chan struct{})
	go watchStall(records, b.opts.InputTimeout, stop, func() { hung.Store(true); cancel() })
	err := cmd.Wait()
	close(stop)
	if hung.Load() {
		err = fmt.Errorf("%w: no input finished for %v (a hang)", errSetup, b.opts.InputTimeout)
	}
	return buf.String(), err
}

// failBlocks splits go test's output into the "--- FAIL: <prefix>..."
// blocks of failed subtests, keyed by subtest name (without the test's).
func failBlocks(text, prefix string) map[string][]byte {
	out := map[string][]byte{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := failHead.FindStringSubmatch(lines[i])
		if m == nil || !strings.HasPrefix(m[1], prefix) {
			continue
		}
		name := m[1][strings.IndexByte(m[1], '/')+1:]
		var b strings.Builder
		b.WriteString(lines[i] + "\n")
		for i+1 < len(lines) && !failHead.MatchString(lines[i+1]) && !strings.HasPrefix(lines[i+1], "FAIL") && !strings.HasPrefix(lines[i+1], "ok ") && !strings.HasPrefix(lines[i+1], "PASS") {
			i++
			b.WriteString(lines[i] + "\n")
		}
		out[name] = []byte(b.String())
	}
	return out
}
