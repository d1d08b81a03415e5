package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// corpusStatsCmd is 'fuzzrun corpus stats'.
type corpusStatsCmd struct {
	target  string
	workdir string
	json    bool
}

func (*corpusStatsCmd) Name() string { return "stats" }
func (*corpusStatsCmd) Synopsis() string {
	return "entries, bytes, size histogram and provenance per format, and the work corpus per target"
}
func (*corpusStatsCmd) Usage() string { return "[-target PATTERN] [-workdir DIR] [-json]" }

func (c *corpusStatsCmd) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "only the formats and work corpora of targets matching `pattern`")
	fs.StringVar(&c.workdir, "workdir", "", "fuzzrun's work `DIR` (default .fuzzrun at the module root)")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
}

// corpusStatsReport is the stats verb's JSON.
type corpusStatsReport struct {
	Formats []corpus.SetStats `json:"formats"`
	Work    []corpus.SetStats `json:"work"`
}

func (c *corpusStatsCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) > 0 {
		return &usageError{"stats takes no arguments"}
	}
	// Without -target, a module whose targets cannot be discovered still
	// has seed corpora to describe.
	root, ts, err := selectTargets(cli.Dir, patterns(c.target), false)
	if err != nil {
		var me *target.ModuleError
		if errors.As(err, &me) || c.target != "" {
			return err
		}
		if root, err = target.FindModuleRoot(cli.Dir); err != nil {
			return err
		}
	}
	croot := filepath.Join(root, "corpus")
	formats := map[string]bool{}
	if c.target == "" {
		all, err := corpus.Formats(croot)
		if err != nil {
			return err
		}
		for _, f := range all {
			formats[f] = true
		}
	}
	for _, t := range ts {
		if t.Format != "" {
			formats[t.Format] = true
		}
	}
	rep := corpusStatsReport{Formats: []corpus.SetStats{}, Work: []corpus.SetStats{}}
	names := make([]string, 0, len(formats))
	for f := range formats {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		s, err := corpus.Dir{Root: croot, Format: f}.Stats()
		if err != nil {
			return err
		}
		rep.Formats = append(rep.Formats, s)
	}
	wd := workDir(cli, root, c.workdir)
	for _, t := range ts {
		entries, problems, err := corpus.ReadEntries(wd.CorpusDir(t), true, "")
		if err != nil {
			return err
		}
		if len(entries) == 0 && len(problems) == 0 {
			continue
		}
		s := corpus.SetStats{Name: t.ID(), Dir: wd.CorpusDir(t), Problems: problems}
		s.Measure(entries)
		rep.Work = append(rep.Work, s)
	}
	for _, s := range append(append([]corpus.SetStats{}, rep.Formats...), rep.Work...) {
		for _, p := range s.Problems {
			fmt.Fprintf(cli.Stderr, "fuzzrun corpus stats: %s\n", p)
		}
	}
	if c.json {
		return writeJSON(cli.Stdout, rep)
	}
	return printStats(cli.Stdout, rep)
}

func printStats(w io.Writer, rep corpusStatsReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(s corpus.SetStats, extra string) {
		var hist []string
		for _, b := range s.Histogram {
			le := "more"
			if b.Le > 0 {
				le = fmt.Sprintf("<=%s", sizeLabel(b.Le))
			}
			if b.Count > 0 {
				hist = append(hist, fmt.Sprintf("%s:%d", le, b.Count))
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d/%d/%d\t%s\t%s\n", s.Name, s.Entries, s.Bytes, s.Min, s.Median, s.Max, strings.Join(hist, " "), extra)
	}
	fmt.Fprintln(tw, "FORMAT\tENTRIES\tBYTES\tMIN/MEDIAN/MAX\tSIZES\tPROVENANCE")
	for _, s := range rep.Formats {
		var kinds []string
		for k, n := range s.Provenance {
			kinds = append(kinds, fmt.Sprintf("%s:%d", k, n))
		}
		sort.Strings(kinds)
		row(s, strings.Join(kinds, " "))
	}
	if len(rep.Work) > 0 {
		fmt.Fprintln(tw, "\nWORK CORPUS\tENTRIES\tBYTES\tMIN/MEDIAN/MAX\tSIZES\t")
		for _, s := range rep.Work {
			row(s, "")
		}
	}
	return tw.Flush()
}

func sizeLabel(n int) string {
	if n >= 1024 {
		return fmt.Sprintf("%dK", n/1024)
	}
	return fmt.Sprint(n)
}
