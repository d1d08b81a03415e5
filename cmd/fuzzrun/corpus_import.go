package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusimport"
)

// corpusImportCmd is 'fuzzrun corpus import'.
type corpusImportCmd struct {
	format string
	out    string
	json   bool
}

func (*corpusImportCmd) Name() string { return "import" }
func (*corpusImportCmd) Synopsis() string {
	return "add raw files, directories, Go corpus files and pcap/pcapng captures to corpus/<format>/"
}
func (*corpusImportCmd) Usage() string { return "[-format F] [-o DIR] [-json] FILE|DIR|PCAP..." }

func (c *corpusImportCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "", "corpus `format` of raw files (default: their directory's name, if a format)")
	fs.StringVar(&c.out, "o", "", "corpus `DIR` to add to (default: corpus/ of the module)")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
}

func (c *corpusImportCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) == 0 {
		return &usageError{"import needs at least one FILE, DIR or PCAP"}
	}
	root := cliPath(cli, c.out)
	if root == "" {
		r, err := corpusRoot(cli.Dir)
		if err != nil {
			return fmt.Errorf("%w; or pass -o DIR", err)
		}
		root = r
	}
	paths := make([]string, len(args))
	for i, p := range args {
		paths[i] = cliPath(cli, p)
	}
	res, err := corpusimport.Import(ctx, paths, corpusimport.Options{Root: root, Format: c.format})
	if err != nil {
		return err
	}
	if c.json {
		if err := writeJSON(cli.Stdout, res); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FORMAT\tREAD\tNEW\tDUPLICATE\t")
		for _, f := range res.FormatNames() {
			n := res.Formats[f]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", f, n.Read, n.New, n.Duplicate)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, t := range res.Truncated {
		fmt.Fprintf(cli.Stderr, "fuzzrun corpus import: warning: %s\n", t)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(cli.Stderr, "fuzzrun corpus import: skipped %s\n", p)
	}
	if len(res.Problems) > 0 {
		return fmt.Errorf("%d of the inputs given could not be imported (listed above); everything else was", len(res.Problems))
	}
	return nil
}
