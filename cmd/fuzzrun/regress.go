package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/daemonfuzz/daemonfuzz/internal/triage"
)

// regressCmd turns fixed crashers into regression inputs.
type regressCmd struct {
	dryRun bool
}

func (*regressCmd) Name() string { return "regress" }
func (*regressCmd) Synopsis() string {
	return "write fixed crashers into their package's testdata/fuzz so go test guards against their return"
}
func (*regressCmd) Usage() string {
	return `[-dry-run] [crash...]

For every stored crash triage marked fixed (or the ones named), replays its
reproducer to confirm it passes now, then writes it in Go's corpus format to
<pkgdir>/testdata/fuzz/<FuzzXxx>/<id>, where plain 'go test' runs it. An
existing file with other content is reported, never overwritten.`
}

func (c *regressCmd) Flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.dryRun, "dry-run", false, "check and print, write nothing")
}

func (c *regressCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	tr := &triage.Triager{Store: store}
	defer tr.Close()
	entries, errs := selectEntries(store, args)
	for _, r := range tr.Regress(ctx, entries, c.dryRun, len(args) > 0) {
		rel := relTo(store.ModuleRoot, r.Path)
		switch {
		case r.Err != nil:
			errs = append(errs, r.Err)
		case r.Written:
			fmt.Fprintf(cli.Stdout, "wrote %s (%s)\n", rel, r.Entry.Crash.Title)
		case c.dryRun:
			fmt.Fprintf(cli.Stdout, "would write %s (%s)\n", rel, r.Entry.Crash.Title)
		default:
			fmt.Fprintf(cli.Stdout, "%s already there\n", rel)
		}
	}
	for _, err := range errs {
		fmt.Fprintf(cli.Stderr, "fuzzrun regress: %v\n", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d crashers not written (above)", len(errs))
	}
	return nil
}
