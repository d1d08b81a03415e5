package triage

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/minimize"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// Minimized is the outcome of minimising one crasher.
type Minimized struct {
	Crash   signature.Crash // what the input crashes as
	Title   string          // its title
	Before  int             // bytes
	Zeros   int             // zero bytes in the input before
	Input   []byte          // the minimised input
	Output  []byte          // go test's output for it
	Runs    int
	Elapsed time.Duration
	// Complete is false when the budget ran out before a fixed point.
	Complete bool
}

// MinimizeInput replays input against t to learn its signature, then
// shrinks it while replays keep that exact signature.
func (tr *Triager) MinimizeInput(ctx context.Context, t target.Target, input []byte, opts minimize.Options) (Minimized, error) {
	o, err := tr.Run(ctx, t, input)
	if err != nil {
		return Minimized{}, err
	}
	if !o.Failed {
		return Minimized{}, fmt.Errorf("the input does not crash %s with the current code; nothing to minimise", t.ID())
	}
	return tr.minimizeAs(ctx, t, input, o, opts)
}

// MinimizeEntry shrinks a stored crasher from its original input and, when
// the result is new, makes it the entry's reproducer. It fails when the
// crasher no longer reproduces its signature (triage it first).
func (tr *Triager) MinimizeEntry(ctx context.Context, e crashstore.Entry, opts minimize.Options) (Minimized, error) {
	t, err := tr.TargetOf(e)
	if err != nil {
		return Minimized{}, err
	}
	input, err := e.Input()
	if err != nil {
		return Minimized{}, &crashstore.Error{Path: e.File(crashstore.InputFile), Err: err}
	}
	o, err := tr.Run(ctx, t, input)
	if err != nil {
		return Minimized{}, err
	}
	if !o.Failed || o.Crash.Sig.ID() != e.Crash.ID {
		return Minimized{}, fmt.Errorf("%s: the reproducer no longer crashes as %s with the current code; run 'fuzzrun triage' first", e.Path, e.Crash.ID)
	}
	m, err := tr.minimizeAs(ctx, t, input, o, opts)
	if err != nil {
		return m, err
	}
	if len(m.Input) < len(input) || !e.Crash.Minimized {
		if err := tr.Store.SetReproducer(e, m.Input, m.Output, m.Complete); err != nil {
			return m, err
		}
	}
	return m, nil
}

// minimizeAs shrinks input while it crashes as first did.
func (tr *Triager) minimizeAs(ctx context.Context, t target.Target, input []byte, first Outcome, opts minimize.Options) (Minimized, error) {
	want := first.Crash.Sig.ID()
	test := func(ctx context.Context, cand []byte) (bool, error) {
		o, err := tr.Run(ctx, t, cand)
		if err != nil {
			return false, err
		}
		return o.Failed && o.Crash.Sig.ID() == want, nil
	}
	if tr.InProcess && tr.Replay == nil {
		switch first.Crash.Sig.Kind {
		case signature.KindHang, signature.KindOOM, signature.KindTerminated:
		default:
			// Built before the clock starts, as the replay binary is.
			if _, err := tr.inprocBinary(ctx, t); err != nil {
				return Minimized{}, err
			}
			opts.Batch = tr.batchTest(t, want)
			opts.Workers = max(opts.Workers, BatchSize)
		}
	}
	res, err := minimize.Minimize(ctx, input, test, opts)
	m := Minimized{Zeros: bytes.Count(input, []byte{0}), Crash: first.Crash, Title: first.Crash.Title(PackageName(t.ImportPath)), Before: len(input), Input: res.Input, Output: first.Output, Runs: res.Runs, Elapsed: res.Elapsed, Complete: res.Complete}
	if err != nil {
		return m, fmt.Errorf("minimise for %s: %w", t.ID(), err)
	}
	// One more run for the output of the minimised input itself.
	o, err := tr.Run(ctx, t, m.Input)
	if err != nil {
		return m, err
	}
	if !o.Failed || o.Crash.Sig.ID() != want {
		return m, fmt.Errorf("minimised input for %s stopped reproducing %s on a final replay; the crash is flaky", t.ID(), want)
	}
	m.Output, m.Crash = o.Output, o.Crash
	m.Title = o.Crash.Title(PackageName(t.ImportPath))
	return m, nil
}

// PackageName is the name a title gives the package at importPath: its last
// element, skipping a major-version suffix.
func PackageName(importPath string) string {
	elems := strings.Split(importPath, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = elems[len(elems)-2]
	}
	return last
}

// Zeroed is how many more zero bytes the minimised input has than the
// original: the simplification a same-length result still brings.
func (m Minimized) Zeroed() int {
	return max(bytes.Count(m.Input, []byte{0})-m.Zeros, 0)
}
