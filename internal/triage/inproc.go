package triage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/minimize"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// In-process minimisation. A replay per candidate costs a process start, a
// test binary's initialisation and a file in the package's testdata: 5-20
// candidates a second. Minimisation instead runs candidates in batches,
// each batch as subtests of one test process, through internal/coverage's
// per-input wrapper (the build overlay around the function passed to
// f.Fuzz) with panics recovered in-process (coverage.EnvRecover): a
// candidate's signature comes from the recovered panic and its stack, or
// from its "--- FAIL" block. A candidate that kills the process anyway (a
// fatal runtime error) is classified from the process's output. Hangs and
// OOMs are minimised with a replay per candidate, since a candidate that
// hangs or allocates ends the process it runs in.

// BatchSize is how many candidates one minimisation process runs.
const BatchSize = 256

// inprocBinary builds (once per target) the test binary with the per-input
// wrapper, instrumenting only the target's own package.
func (tr *Triager) inprocBinary(ctx context.Context, t target.Target) (*coverage.Binary, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if b, ok := tr.inproc[t.ID()]; ok {
		return b, nil
	}
	opts := coverage.Options{
		ModuleRoot: tr.Store.ModuleRoot, CoverPkg: []string{t.ImportPath},
		Jobs: 1, BatchSize: BatchSize, InputTimeout: tr.Timeout,
		Env: strictEnv,
	}
	b, err := coverage.Build(ctx, t, opts)
	if err != nil {
		return nil, fmt.Errorf("build %s for in-process minimisation: %w", t.ID(), err)
	}
	if tr.inproc == nil {
		tr.inproc = map[string]*coverage.Binary{}
	}
	tr.inproc[t.ID()] = b
	return b, nil
}

// batchTest is a minimize.BatchTest: a candidate passes when it crashes
// with signature want.
func (tr *Triager) batchTest(t target.Target, want string) minimize.BatchTest {
	return func(ctx context.Context, cands [][]byte) ([]bool, error) {
		b, err := tr.inprocBinary(ctx, t)
		if err != nil {
			return nil, err
		}
		outs, err := b.Outcomes(ctx, cands)
		if err != nil {
			return nil, err
		}
		pass := make([]bool, len(outs))
		for i, o := range outs {
			c, ok := OutcomeCrash(o)
			pass[i] = ok && c.Sig.ID() == want
		}
		return pass, nil
	}
}

// OutcomeCrash is the crash an in-process outcome shows, if any.
func OutcomeCrash(o coverage.Outcome) (signature.Crash, bool) {
	switch o.Status {
	case coverage.Panicked:
		if len(o.Panic) == 0 {
			return signature.Crash{}, false
		}
		msg, stack := o.Panic, []byte(nil)
		if i := bytes.Index(o.Panic, []byte("\ngoroutine ")); i >= 0 {
			msg, stack = o.Panic[:i], o.Panic[i+1:]
		}
		return signature.FromPanicText(string(msg), stack), true
	case coverage.Failed, coverage.Hung:
		c, err := signature.Parse(o.Output, "")
		return c, err == nil
	}
	return signature.Crash{}, false
}
