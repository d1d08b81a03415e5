package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
)

// coverageCmd reports the statement coverage a target's whole corpus
// reaches: its own seeds (f.Add and corpus/<format>/), its testdata/fuzz
// files and fuzzrun's work corpus.
type coverageCmd struct {
	target   string
	html     string
	coverpkg string
	profile  string
	workdir  string
	json     bool
}

func (*coverageCmd) Name() string { return "coverage" }
func (*coverageCmd) Synopsis() string {
	return "per-package statement coverage of a target's corpus, and an HTML report"
}
func (*coverageCmd) Usage() string {
	return `-target PATTERN [-html DIR] [-coverpkg PKGS] [-profile FILE] [-json]

Runs every input of each matching target once in a coverage-instrumented
test binary (the Go toolchain alone; nothing in the source tree changes): the
target's seeds (f.Add and corpus/<format>/), testdata/fuzz/<FuzzXxx>/ and the
work corpus of 'fuzzrun run'. Prints statement coverage per package of
-coverpkg (default: the target's package and its direct non-standard
imports), and with -html writes go tool cover's HTML report.`
}

func (c *coverageCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "the targets to measure (`pattern`, as in 'fuzzrun list')")
	fs.StringVar(&c.html, "html", "", "write the HTML report into `DIR` (DIR/index.html; DIR/<FuzzXxx>/index.html for several targets)")
	fs.StringVar(&c.coverpkg, "coverpkg", "", "comma-separated `packages` to measure")
	fs.StringVar(&c.profile, "profile", "", "keep the text coverage profile as `FILE` (one target)")
	fs.StringVar(&c.workdir, "workdir", "", "fuzzrun's work `DIR` (default .fuzzrun at the module root)")
	fs.BoolVar(&c.json, "json", false, "print the reports as JSON")
}

func (c *coverageCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if c.target == "" {
		return &usageError{"coverage needs -target; 'fuzzrun list' shows the targets"}
	}
	if len(args) > 0 {
		return &usageError{"coverage takes no arguments"}
	}
	root, ts, err := selectTargets(cli.Dir, []string{c.target}, false)
	if err != nil {
		return err
	}
	if c.profile != "" && len(ts) > 1 {
		return &usageError{fmt.Sprintf("-profile keeps one profile, and %q matches %d targets", c.target, len(ts))}
	}
	wd := workDir(cli, root, c.workdir)
	var reports []*coverage.Report
	for _, t := range ts {
		opts := coverage.MeasureOptions{
			Options: coverage.Options{ModuleRoot: root, CoverPkg: coverPkg(c.coverpkg), Log: cli.Stderr},
			WorkDir: wd, Profile: cliPath(cli, c.profile), HTMLDir: cliPath(cli, c.html),
		}
		if c.html != "" && len(ts) > 1 {
			opts.HTMLDir = filepath.Join(opts.HTMLDir, t.Name)
		}
		m, err := coverage.Measure(ctx, t, opts)
		if err != nil {
			return err
		}
		for _, p := range m.Problems {
			fmt.Fprintf(cli.Stderr, "fuzzrun coverage: skipped %s\n", p)
		}
		if m.Unmeasured > 0 {
			fmt.Fprintf(cli.Stderr, "fuzzrun coverage: %s: %d inputs crash or hang the target and were left out (see 'fuzzrun triage')\n", t.ID(), m.Unmeasured)
		}
		if m.HTML != "" {
			fmt.Fprintf(cli.Stderr, "fuzzrun coverage: %s: HTML report in %s\n", t.ID(), m.HTML)
		}
		reports = append(reports, m.Report)
	}
	if c.json {
		return writeJSON(cli.Stdout, reports)
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	for i, rep := range reports {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s: %d inputs\n", rep.Target, rep.Inputs)
		fmt.Fprintln(tw, "PACKAGE\tSTATEMENTS\tCOVERED\t")
		for _, p := range append(rep.Packages, rep.Total) {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\n", p.ImportPath, p.Statements, p.Covered, p.Percent)
		}
	}
	return tw.Flush()
}
