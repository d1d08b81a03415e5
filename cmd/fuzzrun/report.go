package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/htmlreport"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/triage"
)

// reportCmd renders the crash store.
type reportCmd struct {
	format  string
	out     string
	from    string
	html    string
	workdir string
	plateau time.Duration
}

func (*reportCmd) Name() string { return "report" }
func (*reportCmd) Synopsis() string {
	return "render the crash store as a table, JSON, SARIF (code scanning) or Markdown"
}
func (*reportCmd) Usage() string {
	return `[-format text|json|sarif|md] [-o FILE] [-from report.json] [crash...]
       fuzzrun report -html DIR [-workdir DIR] [-plateau 10m]

Renders every stored crash (or the ones named). JSON is the source of truth
(schema: internal/report, schema_version); -from re-renders a saved JSON
document instead of reading the store. A stored crash whose target no
longer exists is still rendered, with an error naming its report.json.

-html writes DIR/index.html, one self-contained page (no scripts, fonts or
network) with each target's corpus growth and execs/sec over time from the
work directory's stats, plateaued targets marked, the crash table with links
to each report.md and reproducer, and the coverage 'fuzzrun coverage' last
measured; the linked files are copied under DIR, so DIR can be uploaded as
it is.`
}

func (c *reportCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "text", "text, json, sarif or md")
	fs.StringVar(&c.out, "o", "", "write to FILE instead of standard output")
	fs.StringVar(&c.from, "from", "", "render this saved JSON document instead of the store")
	fs.StringVar(&c.html, "html", "", "write the web page report into `DIR`")
	fs.StringVar(&c.workdir, "workdir", "", "with -html: fuzzrun's work `DIR` holding the stats (default .fuzzrun at the module root)")
	fs.DurationVar(&c.plateau, "plateau", htmlreport.DefaultPlateau, "with -html: a target with no new input for this long has plateaued")
}

func (c *reportCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if c.html != "" {
		return c.writeHTML(cli, args)
	}
	switch c.format {
	case "text", "json", "sarif", "md":
	default:
		return &usageError{fmt.Sprintf("unknown -format %q; want text, json, sarif or md", c.format)}
	}
	store, err := openStore(cli.Dir)
	if err != nil {
		return err
	}
	var crashes []*report.Crash
	var inputs [][]byte
	var problems []error
	if c.from != "" {
		data, err := os.ReadFile(c.from)
		if err != nil {
			return err
		}
		if crashes, err = report.ParseList(data); err != nil {
			return fmt.Errorf("%s: %w", c.from, err)
		}
		if c.format == "md" {
			return &usageError{"-format md needs the inputs from the store, not -from"}
		}
	} else {
		entries, errs := selectEntries(store, args)
		problems = append(problems, errs...)
		problems = append(problems, missingTargets(store, entries)...)
		findings, err := crashstore.LoadFindings(store.ModuleRoot)
		if err != nil {
			problems = append(problems, err)
		}
		for _, e := range entries {
			e.Crash.Finding = findings.Of(e.Crash.ID)
			crashes = append(crashes, e.Crash)
			in, err := e.Input()
			if err != nil {
				problems = append(problems, &crashstore.Error{Path: e.File(crashstore.InputFile), Err: err})
			}
			inputs = append(inputs, in)
		}
	}
	var sb strings.Builder
	switch c.format {
	case "text":
		if len(crashes) == 0 && len(problems) > 0 {
			break // the problems say why nothing is shown
		}
		err = report.Text(&sb, crashes)
	case "json":
		var data []byte
		data, err = report.JSONList(crashes)
		sb.Write(data)
	case "sarif":
		var data []byte
		data, err = report.SARIF(crashes, store.ModuleRoot)
		sb.Write(data)
	case "md":
		for i, cr := range crashes {
			if i > 0 {
				sb.WriteString("\n---\n\n")
			}
			sb.Write(report.Markdown(cr, inputs[i]))
		}
	}
	if err != nil {
		return err
	}
	if c.out != "" {
		err = atomicfile.Write(c.out, []byte(sb.String()), 0o644)
	} else {
		_, err = fmt.Fprint(cli.Stdout, sb.String())
	}
	for _, p := range problems {
		fmt.Fprintf(cli.Stderr, "fuzzrun report: %v\n", p)
	}
	if err == nil && len(problems) > 0 {
		err = fmt.Errorf("%d problems with the store (above); the rest is rendered", len(problems))
	}
	return err
}

// missingTargets names the crashes whose target is gone from the module.
func missingTargets(store *crashstore.Store, entries []crashstore.Entry) []error {
	ts, err := target.Discover(store.ModuleRoot)
	if err != nil {
		return []error{err}
	}
	tr := &triage.Triager{Store: store, Targets: ts}
	var out []error
	for _, e := range entries {
		if _, err := tr.TargetOf(e); err != nil && errors.Is(err, triage.ErrNoTarget) {
			out = append(out, err)
		}
	}
	return out
}
