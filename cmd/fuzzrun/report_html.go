package main

import (
	"fmt"

	"github.com/daemonfuzz/daemonfuzz/internal/htmlreport"
)

// writeHTML is `fuzzrun report -html DIR`.
func (c *reportCmd) writeHTML(cli *CLI, args []string) error {
	if len(args) > 0 || c.from != "" || c.out != "" {
		return &usageError{"-html renders the whole store and work directory; it takes no crash names, -from or -o"}
	}
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	wd := workDir(cli, store.ModuleRoot, c.workdir)
	page, err := htmlreport.Collect(htmlreport.Options{ModuleRoot: store.ModuleRoot, WorkDir: wd.Root, Plateau: c.plateau})
	if err != nil {
		return err
	}
	path, err := htmlreport.Write(cliPath(cli, c.html), page)
	if err != nil {
		return err
	}
	fmt.Fprintf(cli.Stdout, "fuzzrun report: %d targets, %d crashes, %d coverage rows: %s\n", len(page.Targets), len(page.Crashes), len(page.Coverage), path)
	for _, n := range page.Notes {
		fmt.Fprintf(cli.Stderr, "fuzzrun report: left out: %s\n", n)
	}
	return nil
}
