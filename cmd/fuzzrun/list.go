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
	json bool
}

func (*listCmd) Name() string { return "list" }
func (*listCmd) Synopsis() string {
	return "list the module's fuzz targets with their package and corpus format"
}
func (*listCmd) Usage() string {
	return `[-json] [pattern...]

Patterns select targets as in 'fuzzrun run': a regular expression matched
against FuzzXxx and pkgdir:FuzzXxx, or pkgdir:Name exactly.`
}

func (c *listCmd) Flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.json, "json", false, "print a JSON array of targets")
}

func (c *listCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	_, targets, err := selectTargets(cli.Dir, args)
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
	fmt.Fprintln(tw, "TARGET\tPACKAGE\tFORMAT")
	for _, t := range targets {
		format := t.Format
		if format == "" {
			format = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.ID(), t.ImportPath, format)
	}
	return tw.Flush()
}
