package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/minimize"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/triage"
)

// minimizeCmd shrinks crashers while they keep their signature.
type minimizeCmd struct {
	target  string
	out     string
	budget  time.Duration
	workers int
	timeout time.Duration
	memMB   int
	all     bool
	noStore bool
	replay  bool
}

func (*minimizeCmd) Name() string { return "minimize" }
func (*minimizeCmd) Synopsis() string {
	return "shrink a crasher while it keeps crashing with the same signature"
}
func (*minimizeCmd) Usage() string {
	return `[flags] FILE -target T | <target>/<id>... | -all

With FILE and -target, minimises an input from any source (a Go fuzz corpus
file or raw bytes, for example a CI artifact), writes the result to -o
(default FILE.min, raw bytes) and records the crash in the store. With
stored crashes (or -all: every stored crash not yet minimised), minimises
each in place: the result becomes its reproducer, the original is kept.

Minimisation tries candidates (delta debugging over bytes, truncation,
zeroing) within -budget per crasher: panics and oracle failures in batches
of candidates per test process, with each candidate a subtest and panics
recovered in-process; hangs and OOMs (and everything with -replay) with a
replay per candidate, -workers at a time. With several crashers it prints
progress and an estimate of the time left; Ctrl-C stops it with one line.`
}

func (c *minimizeCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "the target FILE crashes (a pattern as in 'fuzzrun list')")
	fs.StringVar(&c.out, "o", "", "where to write the minimised FILE (default FILE.min)")
	fs.DurationVar(&c.budget, "budget", 2*time.Minute, "time budget per crasher")
	fs.IntVar(&c.workers, "workers", runtime.NumCPU(), "replays run at once")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "per-replay deadline (a hang's candidates run this long)")
	fs.IntVar(&c.memMB, "mem", 2048, "per-replay memory limit in MiB (0: none)")
	fs.BoolVar(&c.all, "all", false, "minimise every stored crash not yet minimised")
	fs.BoolVar(&c.noStore, "no-store", false, "with FILE: do not record the crash in the store")
	fs.BoolVar(&c.replay, "replay", false, "replay each candidate in its own process (the slow way; hangs and OOMs always are)")
}

func (c *minimizeCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	tr := &triage.Triager{Store: store, Timeout: c.timeout, MemLimitMB: c.memMB, InProcess: !c.replay}
	defer tr.Close()
	opts := minimize.Options{Workers: c.workers, Budget: c.budget}
	if c.target != "" {
		if len(args) != 1 {
			return &usageError{"-target takes exactly one FILE"}
		}
		return c.minimizeFile(ctx, cli, tr, args[0], opts)
	}
	var entries []crashstore.Entry
	var errs []error
	switch {
	case c.all && len(args) == 0:
		all, lerrs := store.List()
		errs = lerrs
		for _, e := range all {
			if !e.Crash.Minimized && !e.Crash.NoReproducer && (e.Crash.Status == report.StatusOpen || e.Crash.Status == report.StatusFlaky) {
				entries = append(entries, e)
			}
		}
	case len(args) > 0 && !c.all:
		entries, errs = selectEntries(store, args)
	default:
		return &usageError{"give FILE -target T, stored crashes, or -all"}
	}
	start := time.Now()
	done := 0
	for i, e := range entries {
		if len(entries) > 1 {
			fmt.Fprintf(cli.Stderr, "minimize: [%d/%d] %s (%d bytes)%s\n", i+1, len(entries), e.Crash.StoreKey(), e.Crash.Input.Size, estimate(start, i, len(entries), c.budget))
		}
		m, err := tr.MinimizeEntry(ctx, e, opts)
		if ctx.Err() != nil {
			// One line for an interrupt, not one error per crasher left.
			return fmt.Errorf("interrupted during %s; %d of %d minimised, the rest left as they were (a reproducer is replaced only when its minimisation ends)", e.Crash.StoreKey(), done, len(entries))
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done++
		printMinimized(cli, e.Crash.StoreKey(), m)
	}
	for _, err := range errs {
		fmt.Fprintf(cli.Stderr, "fuzzrun minimize: %v\n", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d crashers not minimised (above)", len(errs))
	}
	return nil
}

// estimate is the progress note of the i-th of n crashers: the time spent
// and what is left at the average pace so far (at most budget each).
func estimate(start time.Time, i, n int, budget time.Duration) string {
	if i == 0 {
		return fmt.Sprintf("; at most %s each", budget)
	}
	spent := time.Since(start)
	left := spent / time.Duration(i) * time.Duration(n-i)
	return fmt.Sprintf("; %s spent, about %s left", spent.Round(time.Second), left.Round(time.Second))
}

func (c *minimizeCmd) minimizeFile(ctx context.Context, cli *CLI, tr *triage.Triager, file string, opts minimize.Options) error {
	input, err := triage.ReadInput(file)
	if err != nil {
		return err
	}
	all, err := target.Discover(tr.Store.ModuleRoot)
	if err != nil {
		return err
	}
	ts, err := target.Match(all, []string{c.target})
	if err != nil {
		return err
	}
	if len(ts) != 1 {
		return &usageError{fmt.Sprintf("-target %q matches %d targets; name one (pkgdir:FuzzXxx)", c.target, len(ts))}
	}
	t := ts[0]
	m, err := tr.MinimizeInput(ctx, t, input, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	out := c.out
	if out == "" {
		out = file + ".min"
	}
	if err := atomicfile.Write(out, m.Input, 0o644); err != nil {
		return err
	}
	printMinimized(cli, file, m)
	fmt.Fprintf(cli.Stdout, "wrote %s\n", out)
	if c.noStore {
		return nil
	}
	obs := crashstore.Observe(triage.Ref(t), input, m.Output, "", "fuzzrun minimize "+file, time.Time{})
	obs.File = true
	e, isNew, err := tr.Store.Record(obs)
	if err != nil {
		return err
	}
	if len(m.Input) < e.Crash.Input.Size || !e.Crash.Minimized {
		if err := tr.Store.SetReproducer(e, m.Input, m.Output, m.Complete); err != nil {
			return err
		}
	}
	state := "added to"
	if !isNew {
		state = "already in"
	}
	fmt.Fprintf(cli.Stdout, "%s the store as %s\n", state, e.Crash.StoreKey())
	return nil
}

func printMinimized(cli *CLI, name string, m triage.Minimized) {
	done := ""
	if !m.Complete {
		done = " (budget spent; run again to continue)"
	}
	zeroed := ""
	if n := m.Zeroed(); n > 0 {
		zeroed = fmt.Sprintf(" (%d more zero bytes)", n)
	}
	fmt.Fprintf(cli.Stdout, "%s: %s [%s]: %d -> %d bytes%s, %d candidates in %s%s\n",
		name, m.Title, m.Crash.Sig.ID(), m.Before, len(m.Input), zeroed, m.Runs, m.Elapsed.Round(time.Millisecond), done)
}
