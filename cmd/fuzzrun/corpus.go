package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusimport"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/curate"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// corpusCmd manages the seed corpora under corpus/: import, merge,
// minimize and stats, each with its own flags after the action name.
type corpusCmd struct{}

func (*corpusCmd) Name() string { return "corpus" }
func (*corpusCmd) Synopsis() string {
	return "import captures and files into corpus/, merge and minimize by coverage, show stats"
}
func (*corpusCmd) Usage() string {
	return `import|merge|minimize|stats [flags] [args]

  import [-format F] [-o DIR] [-json] FILE|DIR|PCAP...
        add raw files, directories (recursively), Go corpus files and
        pcap/pcapng captures to corpus/<format>/. Capture payloads are routed
        by port: 53 dns-wire (TCP reassembled, length framing split),
        67/68 dhcpv4, 546/547 dhcpv6, 123 ntp (modes 6/7: ntp-control),
        323 chrony, 4460/TCP ntske. A raw file's format is -format, or the
        name of its directory when that is a format.
  merge [-target PATTERN] [-workdir DIR] [-dry-run] [-json]
        add to corpus/<format>/ the inputs of each target's work corpus
        (.fuzzrun/corpus/<pkgdir>/<FuzzXxx>/) that reach code the seeds do not.
  minimize [-target PATTERN] [-format F] [-corpus DIR] [-dry-run] [-json]
        shrink corpus/<format>/ to the smallest-first set cover of the code
        its inputs reach in every selected target reading that format; the
        kept set must reach the same statement coverage or nothing changes.
  stats [-target PATTERN] [-workdir DIR] [-json]
        entries, bytes, size histogram and provenance per format, and the
        work corpus per target.

merge, minimize and coverage need only the Go toolchain. Run 'fuzzrun corpus
ACTION -h' for an action's flags.`
}

func (*corpusCmd) Flags(*flag.FlagSet) {}

func (c *corpusCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) == 0 {
		return &usageError{"corpus needs an action: import, merge, minimize or stats"}
	}
	actions := map[string]func(context.Context, *CLI, []string) error{
		"import": corpusImport, "merge": corpusMerge, "minimize": corpusMinimize, "stats": corpusStats,
	}
	act := actions[args[0]]
	if act == nil {
		return &usageError{fmt.Sprintf("unknown corpus action %q; want import, merge, minimize or stats", args[0])}
	}
	return act(ctx, cli, args[1:])
}

// actionFlags is a FlagSet for one corpus action; parse returns errHelp
// after -h so the caller exits 0.
func actionFlags(cli *CLI, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("fuzzrun corpus "+name, flag.ContinueOnError)
	fs.SetOutput(cli.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(cli.Stderr, "usage: fuzzrun corpus %s %s\n\nflags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

var errHelpShown = errors.New("help shown")

func parseAction(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelpShown
		}
		return &usageError{err.Error()}
	}
	return nil
}

func helpOK(err error) error {
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

// moduleCorpus returns the module root holding dir and its corpus/.
func moduleCorpus(dir string) (string, string, error) {
	root, err := target.FindModuleRoot(dir)
	if err != nil {
		return "", "", err
	}
	return root, filepath.Join(root, "corpus"), nil
}

// workDir is the work directory a verb uses: the -workdir flag, resolved
// against the CLI's directory, or .fuzzrun at the module root.
func workDir(cli *CLI, root, flag string) *workdir.Dir {
	return workdir.At(root, cliPath(cli, flag))
}

// path resolves a path given on the command line against the CLI's
// directory ("" stays "").
func cliPath(c *CLI, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func corpusImport(ctx context.Context, cli *CLI, args []string) error {
	fs := actionFlags(cli, "import", "[-format F] [-o DIR] [-json] FILE|DIR|PCAP...")
	format := fs.String("format", "", "corpus `format` of raw files (default: their directory's name, if a format)")
	out := fs.String("o", "", "corpus `DIR` to add to (default: corpus/ of the module)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseAction(fs, args); err != nil {
		return helpOK(err)
	}
	if fs.NArg() == 0 {
		return &usageError{"import needs at least one FILE, DIR or PCAP"}
	}
	root := cliPath(cli, *out)
	if root == "" {
		_, r, err := moduleCorpus(cli.Dir)
		if err != nil {
			return fmt.Errorf("%w; or pass -o DIR", err)
		}
		root = r
	}
	paths := make([]string, fs.NArg())
	for i, p := range fs.Args() {
		paths[i] = cliPath(cli, p)
	}
	res, err := corpusimport.Import(ctx, paths, corpusimport.Options{Root: root, Format: *format})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(cli.Stdout, res); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FORMAT\tREAD\tNEW\tDUPLICATE\t")
		for _, f := range res.FormatNames() {
			c := res.Formats[f]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", f, c.Read, c.New, c.Duplicate)
		}
		tw.Flush()
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

// buildBinaries builds a coverage binary per target, closing all on error.
func buildBinaries(ctx context.Context, cli *CLI, root string, ts []target.Target, coverpkg string) ([]*coverage.Binary, error) {
	var bins []*coverage.Binary
	opts := coverage.Options{ModuleRoot: root, Log: cli.Stderr}
	if coverpkg != "" {
		opts.CoverPkg = strings.Split(coverpkg, ",")
	}
	for _, t := range ts {
		b, err := coverage.Build(ctx, coverage.Target{Name: t.Name, ImportPath: t.ImportPath, Dir: t.AbsDir(root), Format: t.Format}, opts)
		if err != nil {
			closeAll(bins)
			return nil, err
		}
		bins = append(bins, b)
	}
	return bins, nil
}

func closeAll(bins []*coverage.Binary) {
	for _, b := range bins {
		b.Close()
	}
}

func patterns(p string) []string {
	if p == "" {
		return nil
	}
	return []string{p}
}

func corpusMerge(ctx context.Context, cli *CLI, args []string) error {
	fs := actionFlags(cli, "merge", "[-target PATTERN] [-workdir DIR] [-dry-run] [-json]")
	pat := fs.String("target", "", "merge only the targets matching `pattern` (default all with a corpus format)")
	workdir := fs.String("workdir", "", "fuzzrun's work `DIR` (default .fuzzrun at the module root)")
	dry := fs.Bool("dry-run", false, "measure and report, add nothing")
	coverpkg := fs.String("coverpkg", "", "comma-separated `packages` whose coverage counts (default: each target's package and its direct non-standard imports)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseAction(fs, args); err != nil {
		return helpOK(err)
	}
	root, ts, err := selectTargets(cli.Dir, patterns(*pat))
	if err != nil {
		return err
	}
	wd := workDir(cli, root, *workdir)
	// A running fuzzrun writes this work corpus; merging mid-run would
	// quarantine files being written.
	if wd.Exists() {
		lock, err := wd.Lock()
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	var results []*curate.MergeResult
	for _, t := range ts {
		if t.Format == "" {
			continue
		}
		entries, _, _ := corpus.ReadEntries(wd.CorpusDir(t), true, "")
		if len(entries) == 0 {
			continue // nothing fuzzed yet: no need to build
		}
		bins, err := buildBinaries(ctx, cli, root, []target.Target{t}, *coverpkg)
		if err != nil {
			return err
		}
		quarantine := wd.QuarantineDir(t)
		if *dry {
			quarantine = "" // a dry run moves nothing
		}
		res, err := curate.Merge(ctx, bins[0], wd.CorpusDir(t), corpus.Dir{Root: filepath.Join(root, "corpus"), Format: t.Format},
			quarantine, curate.MergeOptions{DryRun: *dry, Source: t.ID(), Log: cli.Stderr})
		closeAll(bins)
		if err != nil {
			return err
		}
		res.Target = t.ID()
		results = append(results, res)
		for _, p := range res.Problems {
			fmt.Fprintf(cli.Stderr, "fuzzrun corpus merge: %s\n", p)
		}
	}
	if *asJSON {
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
	if *dry {
		fmt.Fprintln(cli.Stdout, "dry run: nothing was added")
	}
	return nil
}

func corpusMinimize(ctx context.Context, cli *CLI, args []string) error {
	fs := actionFlags(cli, "minimize", "[-target PATTERN] [-format F] [-corpus DIR] [-dry-run] [-json]")
	pat := fs.String("target", "", "measure with the targets matching `pattern` (default all)")
	only := fs.String("format", "", "minimize only corpus/`F` (default every format a selected target reads)")
	dry := fs.Bool("dry-run", false, "measure and report, change nothing")
	coverpkg := fs.String("coverpkg", "", "comma-separated `packages` whose coverage counts")
	profiles := fs.String("profiles", "", "keep the full and kept coverage profiles in `DIR`")
	croot := fs.String("corpus", "", "the corpus root `DIR` holding <format>/ (default corpus/ of the module)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseAction(fs, args); err != nil {
		return helpOK(err)
	}
	root, ts, err := selectTargets(cli.Dir, patterns(*pat))
	if err != nil {
		return err
	}
	corpusRoot := cliPath(cli, *croot)
	if corpusRoot == "" {
		corpusRoot = filepath.Join(root, "corpus")
	}
	byFormat := map[string][]target.Target{}
	for _, t := range ts {
		if t.Format != "" && (*only == "" || t.Format == *only) {
			byFormat[t.Format] = append(byFormat[t.Format], t)
		}
	}
	if len(byFormat) == 0 {
		return fmt.Errorf("no selected target reads a corpus format%s; see 'fuzzrun list'", map[bool]string{true: " " + *only, false: ""}[*only != ""])
	}
	formats := make([]string, 0, len(byFormat))
	for f := range byFormat {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	var results []*curate.MinimizeResult
	for _, f := range formats {
		bins, err := buildBinaries(ctx, cli, root, byFormat[f], *coverpkg)
		if err != nil {
			return err
		}
		res, err := curate.Minimize(ctx, corpus.Dir{Root: corpusRoot, Format: f}, bins,
			curate.MinimizeOptions{DryRun: *dry, ProfileDir: cliPath(cli, *profiles), Log: cli.Stderr})
		closeAll(bins)
		if err != nil {
			return err
		}
		results = append(results, res)
		for _, p := range res.Problems {
			fmt.Fprintf(cli.Stderr, "fuzzrun corpus minimize: %s\n", p)
		}
		for _, u := range res.Unmeasured {
			fmt.Fprintf(cli.Stderr, "fuzzrun corpus minimize: kept %s unjudged: it crashes or hangs a target (see 'fuzzrun triage')\n", u)
		}
	}
	if *asJSON {
		return writeJSON(cli.Stdout, results)
	}
	tw := tabwriter.NewWriter(cli.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FORMAT\tENTRIES\tBYTES\tTARGET\tSTATEMENTS (FULL -> KEPT)")
	for _, r := range results {
		for i, c := range r.Coverage {
			first, sizes := r.Format, fmt.Sprintf("%d -> %d\t%d -> %d", r.Before, r.After, r.BytesBefore, r.BytesAfter)
			if i > 0 {
				first, sizes = "", "\t"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d (%.1f%%) -> %d/%d (%.1f%%)\n", first, sizes, c.Target,
				c.Full.Covered, c.Full.Statements, c.Full.Percent, c.Kept.Covered, c.Kept.Statements, c.Kept.Percent)
		}
		if len(r.Coverage) == 0 {
			fmt.Fprintf(tw, "%s\t%d -> %d\t%d -> %d\t-\t-\n", r.Format, r.Before, r.After, r.BytesBefore, r.BytesAfter)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *dry {
		fmt.Fprintln(cli.Stdout, "dry run: nothing was changed")
	}
	return nil
}

// corpusStatsReport is the stats action's JSON.
type corpusStatsReport struct {
	Formats []corpus.SetStats `json:"formats"`
	Work    []corpus.SetStats `json:"work"`
}

func corpusStats(ctx context.Context, cli *CLI, args []string) error {
	fs := actionFlags(cli, "stats", "[-target PATTERN] [-workdir DIR] [-json]")
	pat := fs.String("target", "", "only the formats and work corpora of targets matching `pattern`")
	workdir := fs.String("workdir", "", "fuzzrun's work `DIR` (default .fuzzrun at the module root)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseAction(fs, args); err != nil {
		return helpOK(err)
	}
	root, ts, err := selectTargets(cli.Dir, patterns(*pat))
	if err != nil {
		var me *target.ModuleError
		if errors.As(err, &me) {
			return err
		}
		if *pat != "" {
			return err
		}
	}
	if root == "" {
		if root, err = target.FindModuleRoot(cli.Dir); err != nil {
			return err
		}
	}
	croot := filepath.Join(root, "corpus")
	formats := map[string]bool{}
	if *pat == "" {
		all, _ := corpus.Formats(croot)
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
	wd := workDir(cli, root, *workdir)
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
	if *asJSON {
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
