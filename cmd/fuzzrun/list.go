package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// listCmd prints the fuzz targets discovered in the module.
type listCmd struct {
	json, all bool
}

func (*listCmd) Name() string { return "list" }
func (*listCmd) Synopsis() string {
	return "list the module's fuzz targets with their package and corpus format"
}
func (*listCmd) Usage() string {
	return `[-json] [-all] [pattern...]

Lists what 'fuzzrun run' with the same patterns and -all would fuzz, and the
set each target is in: suite (fuzzed by default), bench (a baseline harness
under bench/) or tool (a fuzz test of the module's own tooling, outside a
fuzz/ suite). A pattern is a regular expression matched against FuzzXxx and
pkgdir:FuzzXxx; it selects among the suite, or among every target if it
matches none of the suite's or -all is set.`
}

func (c *listCmd) Flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.json, "json", false, "print a JSON array of targets")
	fs.BoolVar(&c.all, "all", false, "select among every target, not only the suite")
}

func (c *listCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	_, targets, err := selectTargets(cli.Dir, args, c.all)
	if err != nil {
		return err
	}
	if c.json {
		if targets == nil {
			targets = []target.Target{}
		}
		return writeJSON(cli.Stdout, targets)
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tSET\tPACKAGE\tFORMAT")
	for _, t := range targets {
		format := t.Format
		if format == "" {
			format = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID(), t.Set, t.ImportPath, format)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(args) == 0 && !c.all {
		if _, all, err := selectTargets(cli.Dir, nil, true); err == nil && len(all) > len(targets) {
			fmt.Fprintf(cli.Stdout, "(%d more targets outside the suite, fuzzed only when named; -all lists them)\n", len(all)-len(targets))
		}
	}
	return nil
}
