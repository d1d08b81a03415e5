package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/triage"
)

// triageCmd ingests crashers/_incoming and replays every stored crasher to
// set its status.
type triageCmd struct {
	attempts   int
	timeout    time.Duration
	memMB      int
	verbose    bool
	noIngest   bool
	suppress   string
	unsuppress string
}

func (*triageCmd) Name() string { return "triage" }
func (*triageCmd) Synopsis() string {
	return "replay stored crashers against the current code and mark them open, fixed or flaky"
}
func (*triageCmd) Usage() string {
	return `[flags] [crash...]

Triage first records every crasher left in crashers/_incoming/<FuzzXxx>/
(a Go corpus file or raw bytes, with go test's output beside it as
<file>.log), then replays each stored crasher (or the ones named, as
<target>/<id>, an id, or a crash directory) and sets its status:
open (the first replay reproduces its signature), flaky (a later one does),
duplicate of X (a replay fails with signature X instead; X is stored with
this input), fixed (none of -attempts fails; the dependency versions it was
fixed with are recorded), or stale (a panic, hang or oom in a library whose
version has not changed, or an oracle violation a findings/ write-up lists
while no dependency changed, whose input no longer reaches it: the harness
changed; the bug stands and needs a new reproducer). Replays run in strict mode: every suppression and
every tolerance of a known bug is off (DAEMONFUZZ_NO_SUPPRESS=1). When the
target's package changed since the crash was recorded, a passing input is
replayed once more through the package as it was then (git history, go
-overlay) and is fixed only if it passes there too.

-suppress ID adds a signature to crashers/suppressions.txt, so fuzzing
continues past that exact crash (use it for a known, reported bug in a
dependency); -unsuppress ID removes it.

Exit status 3 when open or flaky crashes remain.`
}

func (c *triageCmd) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.attempts, "attempts", 3, "replays before a crasher counts as fixed")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "per-replay deadline; running past it is a hang")
	fs.IntVar(&c.memMB, "mem", 2048, "per-replay memory limit in MiB; passing it is an OOM (0: none)")
	fs.BoolVar(&c.verbose, "v", false, "print each replay's output")
	fs.BoolVar(&c.noIngest, "no-ingest", false, "leave crashers/_incoming alone")
	fs.StringVar(&c.suppress, "suppress", "", "add this signature id to the suppression list and exit")
	fs.StringVar(&c.unsuppress, "unsuppress", "", "remove this signature id from the suppression list and exit")
}

func (c *triageCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	if c.suppress != "" || c.unsuppress != "" {
		return c.setSuppressed(cli, store)
	}
	tr := &triage.Triager{Store: store, Attempts: c.attempts, Timeout: c.timeout, MemLimitMB: c.memMB}
	defer tr.Close()
	var failed []error
	if !c.noIngest && len(args) == 0 {
		for _, in := range tr.Ingest(ctx) {
			rel := relTo(store.ModuleRoot, in.File)
			if in.Err != nil {
				failed = append(failed, in.Err)
				continue
			}
			what := "duplicate of"
			if in.New {
				what = "new crash"
			}
			fmt.Fprintf(cli.Stdout, "ingested %s: %s %s %s\n", rel, what, in.Entry.Crash.StoreKey(), in.Entry.Crash.Title)
		}
	}
	entries, errs := selectEntries(store, args)
	failed = append(failed, errs...)
	results := tr.Triage(ctx, entries)
	open := 0
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CRASH\tWAS\tNOW\tREPLAYS\tTITLE")
	for _, r := range results {
		cr := r.Entry.Crash
		if r.Err != nil {
			failed = append(failed, r.Err)
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t%s\n", cr.StoreKey(), r.Previous, "error", cr.Title)
			continue
		}
		switch cr.Status {
		case report.StatusOpen, report.StatusFlaky, report.StatusStale:
			open++
		}
		if r.NoReproducer {
			// Nothing to replay: go test named the failing seed without
			// writing it, and a verdict needs a replay.
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t%s (no reproducer: fuzz the target again to find its input)\n", cr.StoreKey(), r.Previous, cr.StatusText(), cr.Title)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\n", cr.StoreKey(), r.Previous, cr.StatusText(), cr.Triage.Reproduced, cr.Triage.Attempts, cr.Title)
		if r.Renamed != "" {
			fmt.Fprintf(tw, "\t\t\t\t  was %s: the same crash, renamed by today's signatures\n", r.Renamed)
		}
		if cr.Triage.Harness != "" {
			fmt.Fprintf(tw, "\t\t\t\t  replayed through the harness of commit %s too: today's target package no longer builds this input the same way\n", cr.Triage.Harness)
		}
		if r.Reclassified != nil {
			fmt.Fprintf(tw, "\t\t\t\t  fails now as %s %s\n", r.Reclassified.Crash.StoreKey(), r.Reclassified.Crash.Title)
		}
	}
	tw.Flush()
	if c.verbose {
		c.printOutputs(ctx, cli.Stdout, tr, results)
	}
	for _, err := range failed {
		fmt.Fprintf(cli.Stderr, "fuzzrun triage: %v\n", err)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case len(failed) > 0:
		return fmt.Errorf("%d crashers could not be triaged (above); the others were", len(failed))
	case open > 0:
		return &findingsError{fmt.Sprintf("%d crashes still reproduce", open)}
	}
	return nil
}

// printOutputs replays each crash once more and prints what go test says.
func (c *triageCmd) printOutputs(ctx context.Context, w io.Writer, tr *triage.Triager, results []triage.Result) {
	for _, r := range results {
		t, err := tr.TargetOf(r.Entry)
		if err != nil {
			continue
		}
		input, err := r.Entry.Input()
		if err != nil {
			continue
		}
		o, err := tr.Run(ctx, t, input)
		if err != nil {
			fmt.Fprintf(w, "\n=== %s: %v\n", r.Entry.Crash.StoreKey(), err)
			continue
		}
		fmt.Fprintf(w, "\n=== %s (%s)\n%s", r.Entry.Crash.StoreKey(), t.ID(), o.Output)
	}
}

func (c *triageCmd) setSuppressed(cli *CLI, store *crashstore.Store) error {
	id, on := c.suppress, true
	if id == "" {
		id, on = c.unsuppress, false
	}
	reason := ""
	if on {
		es, err := store.Find(id)
		if err != nil {
			return fmt.Errorf("%w (only stored crashes can be suppressed)", err)
		}
		e := es[0]
		id, reason = e.Crash.ID, e.Crash.Title
		if e.Crash.Issue != nil {
			reason += " " + e.Crash.Issue.URL
		}
	}
	if err := store.SetSuppressed(id, reason, on); err != nil {
		return err
	}
	verb := "suppressed"
	if !on {
		verb = "no longer suppressed"
	}
	fmt.Fprintf(cli.Stdout, "%s %s in %s\n", id, verb, filepath.Join(store.Root, crashstore.SuppressionsFile))
	return nil
}
