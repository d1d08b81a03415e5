package coverage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

// Status is how the target ended on one input.
type Status int

const (
	OK       Status = iota // returned
	Failed                 // the test failed (an oracle violation)
	Panicked               // panicked: the process ended, blocks are up to the panic
	Hung                   // never finished: it hung past InputTimeout, or killed the process outright (a fatal runtime error); no blocks
)

func (s Status) String() string {
	return [...]string{"ok", "failed", "panicked", "hung"}[s]
}

// Result is the coverage of one input measured on its own.
type Result struct {
	Blocks []Block // sorted
	Status Status
	// Panic is a recovered panic's message, a newline and its stack
	// (EnvRecover; see Binary.Outcomes); nil otherwise.
	Panic []byte
}

// inputPrefix names scratch corpus files, so -test.run selects them and not
// the target's own seeds (subtests "seed#N").
const inputPrefix = "fz-"

func inputName(i int) string { return fmt.Sprintf("%s%08d", inputPrefix, i) }

// PerInput measures each input on its own and returns one Result per input,
// in order. Inputs are spread over processes of up to BatchSize inputs, Jobs
// at a time; a process that dies on an input is restarted after it.
func (b *Binary) PerInput(ctx context.Context, inputs [][]byte) ([]Result, error) {
	results := make([]Result, len(inputs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(b.opts.Jobs)
	var mu sync.Mutex
	done := 0
	for lo := 0; lo < len(inputs); lo += b.opts.BatchSize {
		hi := min(lo+b.opts.BatchSize, len(inputs))
		g.Go(func() error {
			if err := b.measureRange(ctx, inputs, lo, hi, results); err != nil {
				return err
			}
			mu.Lock()
			done += hi - lo
			fmt.Fprintf(b.opts.Log, "coverage: %s: measured %d/%d inputs\n", b.Target.Name, done, len(inputs))
			mu.Unlock()
			return nil
		})
	}
	return results, g.Wait()
}

// measureRange measures inputs[lo:hi], restarting the process after an input
// that ends it.
func (b *Binary) measureRange(ctx context.Context, inputs [][]byte, lo, hi int, results []Result) error {
	for lo < hi {
		got, started, runErr := b.runBatch(ctx, inputs, lo, hi)
		if err := ctx.Err(); err != nil {
			return err
		}
		next := lo
		for i := lo; i < hi; i++ {
			r, ok := got[i]
			if !ok {
				break
			}
			results[i] = r
			next = i + 1
		}
		if next == hi {
			return nil
		}
		var failed *testsFailed
		if runErr == nil || errors.As(runErr, &failed) {
			out := ""
			if failed != nil {
				out = "\n" + tail(failed.out, 40)
			}
			return fmt.Errorf("coverage of %s: the test binary ran no subtest for input %d; does %s skip inputs, or fail before running them?%s", b.Target.Name, next, b.Target.Name, out)
		}
		switch {
		case started == next:
			// The process began this input and never finished it: a hang,
			// or an exit that skipped the wrapper's deferred record.
			results[next] = Result{Status: Hung}
			fmt.Fprintf(b.opts.Log, "coverage: %s: input %d ended the test process; skipped: %v\n", b.Target.Name, next, runErr)
			lo = next + 1
		case next > lo:
			lo = next // the last recorded input panicked; go on after it
		default:
			return fmt.Errorf("coverage of %s: test process failed before input %d: %w", b.Target.Name, next, runErr)
		}
	}
	return nil
}

// runBatch runs one process over inputs[lo:hi] and returns the records it
// wrote by input index, and the index of the last input it started (-1 for
// none).
func (b *Binary) runBatch(ctx context.Context, inputs [][]byte, lo, hi int) (map[int]Result, int, error) {
	dir, err := b.scratch(inputs, lo, hi, false)
	if err != nil {
		return nil, -1, err
	}
	defer os.RemoveAll(dir)
	recs := filepath.Join(dir, "records")
	runErr := b.exec(ctx, dir, recs, "-test.run=^"+b.Target.Name+"$/^"+inputPrefix)
	data, err := os.ReadFile(recs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, -1, err
	}
	got, started, err := parseRecords(data, b.Target.Name)
	if err != nil {
		return nil, -1, fmt.Errorf("coverage of %s: %w", b.Target.Name, err)
	}
	return got, started, runErr
}

var errSetup = errors.New("test process failed")

// testsFailed is a test process that ran to its end with failing tests (an
// oracle violation): its coverage still counts.
type testsFailed struct{ out string }

func (e *testsFailed) Error() string { return "tests failed" }

// exec runs the binary in dir. With records set, the per-input wrapper is
// switched on, writing there, and the process is killed when no input
// finishes for InputTimeout once the first has begun: a hang.
func (b *Binary) exec(ctx context.Context, dir, records string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	gocover := filepath.Join(dir, "gocoverdir")
	if err := os.MkdirAll(gocover, 0o755); err != nil {
		return err
	}
	args = append(args, "-test.gocoverdir="+gocover, "-test.parallel=1", "-test.timeout=0")
	cmd := exec.CommandContext(ctx, b.exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), b.opts.Env...)
	if records != "" {
		cmd.Env = append(cmd.Env, EnvOut+"="+records)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return err
	}
	var hung atomic.Bool
	stop := make(chan struct{})
	if records != "" {
		go watchStall(records, b.opts.InputTimeout, stop, func() { hung.Store(true); cancel() })
	}
	err := cmd.Wait()
	close(stop)
	if err == nil {
		return nil
	}
	text := out.String()
	switch {
	case hung.Load():
		return fmt.Errorf("%w: no input finished for %v (a hang)", errSetup, b.opts.InputTimeout)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: timed out after %v", errSetup, b.opts.Timeout)
	case (strings.Contains(text, "\nFAIL\n") || strings.HasSuffix(text, "\nFAIL")) && !strings.Contains(text, "panic: "):
		return &testsFailed{out: text}
	}
	return fmt.Errorf("%w: %v\n%s", errSetup, err, tail(text, 40))
}

// watchStall calls kill when path, once it exists, stops growing for d.
func watchStall(path string, d time.Duration, stop <-chan struct{}, kill func()) {
	tick := time.NewTicker(min(d/4, 250*time.Millisecond))
	defer tick.Stop()
	var size int64 = -1
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		st, err := os.Stat(path)
		if err != nil {
			last = time.Now() // not started yet: startup is bounded by Timeout
			continue
		}
		if st.Size() != size {
			size, last = st.Size(), time.Now()
			continue
		}
		if time.Since(last) > d {
			kill()
			return
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// scratch lays out a working directory for one process: the inputs under
// testdata/fuzz/<Name>/, the package's other testdata entries, a go.mod
// beside corpus/ so harness.Seed finds seeds from here, and links to the
// module root's other entries. With seeds, corpus/
// is the module's own; otherwise a stub holding one input, since the
// subtest filter skips seeds anyway and harness.Seed refuses an empty corpus.
func (b *Binary) scratch(inputs [][]byte, lo, hi int, seeds bool) (string, error) {
	dir, err := os.MkdirTemp(b.tmp, "run-")
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) { os.RemoveAll(dir); return "", err }
	fuzzDir := filepath.Join(dir, "testdata", "fuzz", b.Target.Name)
	if err := os.MkdirAll(fuzzDir, 0o755); err != nil {
		return fail(err)
	}
	for i := lo; i < hi; i++ {
		if err := os.WriteFile(filepath.Join(fuzzDir, inputName(i)), corpusfile.Encode(inputs[i]), 0o644); err != nil {
			return fail(err)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(b.dir, "testdata")); err == nil {
		for _, e := range ents {
			if e.Name() == "fuzz" {
				continue
			}
			src, _ := filepath.Abs(filepath.Join(b.dir, "testdata", e.Name()))
			if err := os.Symlink(src, filepath.Join(dir, "testdata", e.Name())); err != nil {
				return fail(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fuzzrun.scratch\n"), 0o644); err != nil {
		return fail(err)
	}
	// Whatever else the target finds from the module root (the crash
	// store's suppression list, for one) it finds here too.
	if ents, err := os.ReadDir(b.opts.ModuleRoot); err == nil {
		for _, e := range ents {
			switch e.Name() {
			case "go.mod", "corpus", "testdata", "records", "gocoverdir", ".git", ".fuzzrun":
				continue
			}
			if err := os.Symlink(filepath.Join(b.opts.ModuleRoot, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				return fail(err)
			}
		}
	}
	realCorpus := filepath.Join(b.opts.ModuleRoot, "corpus")
	if st, err := os.Stat(realCorpus); seeds && err == nil && st.IsDir() {
		if err := os.Symlink(realCorpus, filepath.Join(dir, "corpus")); err != nil {
			return fail(err)
		}
		return dir, nil
	}
	stub := filepath.Join(dir, "corpus", b.Target.Format)
	if err := os.MkdirAll(stub, 0o755); err != nil {
		return fail(err)
	}
	if b.Target.Format != "" && hi > lo {
		if err := atomicfile.Write(filepath.Join(stub, "stub"), inputs[lo], 0o644); err != nil {
			return fail(err)
		}
	}
	return dir, nil
}

// parseRecords decodes the wrapper's records (see wrapperSource) into
// results by input index, and the index of the last input begun.
func parseRecords(data []byte, name string) (map[int]Result, int, error) {
	got := map[int]Result{}
	started := -1
	prefix := name + "/" + inputPrefix
	for len(data) > 0 {
		if len(data) < 9 {
			return got, started, nil // a record cut short by a dying process
		}
		kind := data[0]
		n := int(binary.LittleEndian.Uint32(data[1:]))
		if len(data) < 5+n+4 {
			return got, started, nil
		}
		sub := string(data[5 : 5+n])
		m := int(binary.LittleEndian.Uint32(data[5+n:]))
		if len(data) < 9+n+m {
			return got, started, nil
		}
		payload := data[9+n : 9+n+m]
		data = data[9+n+m:]
		if !strings.HasPrefix(sub, prefix) {
			continue
		}
		idx, err := strconv.Atoi(sub[len(prefix):])
		if err != nil {
			continue
		}
		if kind == 'B' {
			started = idx
			continue
		}
		if kind == 'S' {
			r := got[idx]
			r.Panic = append([]byte(nil), payload...)
			got[idx] = r
			continue
		}
		blocks, err := decodeBlocks(payload)
		if err != nil {
			return nil, -1, fmt.Errorf("input %d: %w", idx, err)
		}
		st := OK
		switch kind {
		case 'F':
			st = Failed
		case 'P':
			st = Panicked
		}
		got[idx] = Result{Blocks: blocks, Status: st}
	}
	return got, started, nil
}
