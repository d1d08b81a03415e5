package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/curate"
)

// corpusMinimizeCmd is 'fuzzrun corpus minimize'.
type corpusMinimizeCmd struct {
	target   string
	format   string
	dry      bool
	coverpkg string
	profiles string
	corpus   string
	json     bool
}

func (*corpusMinimizeCmd) Name() string { return "minimize" }
func (*corpusMinimizeCmd) Synopsis() string {
	return "shrink corpus/<format>/ to a smallest-first set cover that keeps its statement coverage"
}
func (*corpusMinimizeCmd) Usage() string {
	return "[-target PATTERN] [-format F] [-corpus DIR] [-dry-run] [-json]"
}

func (c *corpusMinimizeCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "measure with the targets matching `pattern` (default all)")
	fs.StringVar(&c.format, "format", "", "minimize only corpus/`F` (default every format a selected target reads)")
	fs.BoolVar(&c.dry, "dry-run", false, "measure and report, change nothing")
	fs.StringVar(&c.coverpkg, "coverpkg", "", "comma-separated `packages` whose coverage counts")
	fs.StringVar(&c.profiles, "profiles", "", "keep the full and kept coverage profiles in `DIR`")
	fs.StringVar(&c.corpus, "corpus", "", "the corpus root `DIR` holding <format>/ (default corpus/ of the module)")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
}

func (c *corpusMinimizeCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) > 0 {
		return &usageError{"minimize takes no arguments"}
	}
	root, ts, err := selectTargets(cli.Dir, patterns(c.target), false)
	if err != nil {
		return err
	}
	results, err := curate.MinimizeFormats(ctx, ts, c.format, curate.TargetsOptions{
		ModuleRoot: root, CorpusRoot: cliPath(cli, c.corpus), DryRun: c.dry, ProfileDir: cliPath(cli, c.profiles),
		Coverage: coverage.Options{CoverPkg: coverPkg(c.coverpkg)}, Log: cli.Stderr,
		EachMinimize: func(r *curate.MinimizeResult) {
			for _, p := range r.Problems {
				fmt.Fprintf(cli.Stderr, "fuzzrun corpus minimize: %s\n", p)
			}
			for _, u := range r.Unmeasured {
				fmt.Fprintf(cli.Stderr, "fuzzrun corpus minimize: kept %s unjudged: it crashes or hangs a target (see 'fuzzrun triage')\n", u)
			}
		},
	})
	if errors.Is(err, curate.ErrNoFormat) {
		only := ""
		if c.format != "" {
			only = " " + c.format
		}
		return fmt.Errorf("no selected target reads a corpus format%s; see 'fuzzrun list'", only)
	}
	if err != nil {
		return err
	}
	if c.json {
		return writeJSON(cli.Stdout, results)
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FORMAT\tENTRIES\tBYTES\tTARGET\tSTATEMENTS (FULL -> KEPT)")
	for _, r := range results {
		for i, cov := range r.Coverage {
			first, sizes := r.Format, fmt.Sprintf("%d -> %d\t%d -> %d", r.Before, r.After, r.BytesBefore, r.BytesAfter)
			if i > 0 {
				first, sizes = "", "\t"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d (%.1f%%) -> %d/%d (%.1f%%)\n", first, sizes, cov.Target,
				cov.Full.Covered, cov.Full.Statements, cov.Full.Percent, cov.Kept.Covered, cov.Kept.Statements, cov.Kept.Percent)
		}
		if len(r.Coverage) == 0 {
			fmt.Fprintf(tw, "%s\t%d -> %d\t%d -> %d\t-\t-\n", r.Format, r.Before, r.After, r.BytesBefore, r.BytesAfter)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if c.dry {
		fmt.Fprintln(cli.Stdout, "dry run: nothing was changed")
	}
	return nil
}
