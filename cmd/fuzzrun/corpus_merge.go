package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/curate"
)

// corpusMergeCmd is 'fuzzrun corpus merge'.
type corpusMergeCmd struct {
	target   string
	workdir  string
	dry      bool
	coverpkg string
	json     bool
}

func (*corpusMergeCmd) Name() string { return "merge" }
func (*corpusMergeCmd) Synopsis() string {
	return "add to corpus/<format>/ the work corpus inputs that reach code the seeds do not"
}
func (*corpusMergeCmd) Usage() string { return "[-target PATTERN] [-workdir DIR] [-dry-run] [-json]" }

func (c *corpusMergeCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "merge only the targets matching `pattern` (default all with a corpus format)")
	fs.StringVar(&c.workdir, "workdir", "", "fuzzrun's work `DIR` (default .fuzzrun at the module root)")
	fs.BoolVar(&c.dry, "dry-run", false, "measure and report, add nothing")
	fs.StringVar(&c.coverpkg, "coverpkg", "", "comma-separated `packages` whose coverage counts (default: each target's package and its direct non-standard imports)")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
}

func (c *corpusMergeCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) > 0 {
		return &usageError{"merge takes no arguments"}
	}
	root, ts, err := selectTargets(cli.Dir, patterns(c.target), false)
	if err != nil {
		return err
	}
	results, err := curate.MergeWork(ctx, ts, curate.TargetsOptions{
		ModuleRoot: root, WorkDir: workDir(cli, root, c.workdir), DryRun: c.dry,
		Coverage: coverage.Options{CoverPkg: coverPkg(c.coverpkg)}, Log: cli.Stderr,
		EachMerge: func(r *curate.MergeResult) {
			for _, p := range r.Problems {
				fmt.Fprintf(cli.Stderr, "fuzzrun corpus merge: %s\n", p)
			}
		},
	})
	if err != nil {
		return err
	}
	if c.json {
		if results == nil {
			results = []*curate.MergeResult{}
		}
		return writeJSON(cli.Stdout, results)
	}
	if len(results) == 0 {
		fmt.Fprintln(cli.Stdout, "no work corpus to merge: run 'fuzzrun run' first")
		return nil
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tFORMAT\tWORK\tKNOWN\tADDED\tNO-NEW-COVERAGE\tCRASHING")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\n", r.Target, r.Format, r.Work, r.Known, r.Added, r.NoGain, r.Unmeasured)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if c.dry {
		fmt.Fprintln(cli.Stdout, "dry run: nothing was added")
	}
	return nil
}

// coverPkg is a -coverpkg flag as coverage.Options.CoverPkg.
func coverPkg(flag string) []string {
	if flag == "" {
		return nil
	}
	return strings.Split(flag, ",")
}
