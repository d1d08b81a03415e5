package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/ossfuzz"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// ossFuzzCmd generates the OSS-Fuzz and ClusterFuzzLite files from the
// discovered targets, writes the build-time seeds, and converts inputs
// between libFuzzer's encoding and Go's.
type ossFuzzCmd struct {
	check     bool
	seeds     string
	prepare   bool
	toGo      string
	toLibFuzz string
	fuzzer    string
	out       string
	project   string
	repo      string
	contact   string
	autoCCs   string
}

func (*ossFuzzCmd) Name() string { return "oss-fuzz" }
func (*ossFuzzCmd) Synopsis() string {
	return "generate OSS-Fuzz/ClusterFuzzLite files, seed zips, and convert test cases"
}
func (*ossFuzzCmd) Usage() string {
	return `[-check] | -seeds DIR | -to-go TESTCASE [-fuzzer NAME] [-o FILE] | -to-libfuzzer FILE [-o FILE]

With no mode flag, writes oss-fuzz/projects/<name>/{build.sh,Dockerfile,project.yaml},
.clusterfuzzlite/{build.sh,Dockerfile,project.yaml} and
.github/workflows/{cflite_pr.yml,cflite_batch.yml} from the discovered targets,
one compile_native_go_fuzzer line per target that declares a corpus format
(fuzz tests of fuzzrun's own code are left out); -check reports stale files and
targets that compile_native_go_fuzzer could not build.

-seeds DIR writes <fuzzer>_seed_corpus.zip, <fuzzer>.dict and <fuzzer>.options
for every target (build.sh runs it with $OUT). With -prepare, which only runs
in a source tree under $SRC (an OSS-Fuzz build's throwaway checkout), it first
rewrites every comment or string literal outside a fuzz test that spells the
target's name, value for value, because compile_native_go_fuzzer finds the fuzz
test by grepping for the name.

-to-go decodes an OSS-Fuzz or ClusterFuzzLite test case (go-fuzz-headers
encoding) into a 'go test fuzz v1' file: to stdout, to -o, or with -fuzzer
into crashers/_incoming/<FuzzXxx>/ for 'fuzzrun triage'. -to-libfuzzer encodes
a Go corpus file or a raw seed the other way, to stdout or -o.`
}

func (c *ossFuzzCmd) Flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.check, "check", false, "fail if the generated files are out of date with the targets")
	fs.StringVar(&c.seeds, "seeds", "", "write every fuzzer's seed corpus zip, dictionary and options into `DIR`")
	fs.BoolVar(&c.prepare, "prepare", false, "with -seeds, inside an OSS-Fuzz build ($SRC set): rewrite comments and strings that would make compile_native_go_fuzzer fail")
	fs.StringVar(&c.toGo, "to-go", "", "convert the libFuzzer test case `FILE` into a Go corpus file")
	fs.StringVar(&c.toLibFuzz, "to-libfuzzer", "", "convert the Go corpus file or raw seed `FILE` into a libFuzzer input")
	fs.StringVar(&c.fuzzer, "fuzzer", "", "with -to-go: the OSS-Fuzz fuzzer `NAME` (or FuzzXxx) that crashed; files it for triage")
	fs.StringVar(&c.out, "o", "", "with -to-go or -to-libfuzzer: write to `FILE` instead of stdout")
	fs.StringVar(&c.project, "project", "", "OSS-Fuzz project `name` (default: the last element of the module path)")
	fs.StringVar(&c.repo, "repo", "", "git `URL` OSS-Fuzz clones (default: https:// and the module path)")
	fs.StringVar(&c.contact, "primary-contact", "", "project.yaml's primary_contact `EMAIL` (kept by later runs; default: what project.yaml says)")
	fs.StringVar(&c.autoCCs, "auto-ccs", "", "project.yaml's auto_ccs, comma-separated `EMAILS` (kept by later runs)")
}

func (c *ossFuzzCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if len(args) > 0 {
		return &usageError{"oss-fuzz takes no arguments; it exports every target"}
	}
	modes := 0
	for _, on := range []bool{c.check, c.seeds != "", c.toGo != "", c.toLibFuzz != ""} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return &usageError{"-check, -seeds, -to-go and -to-libfuzzer are exclusive"}
	}
	if c.prepare && c.seeds == "" {
		return &usageError{"-prepare goes with -seeds, in build.sh"}
	}
	if c.fuzzer != "" && c.toGo == "" {
		return &usageError{"-fuzzer goes with -to-go"}
	}
	if c.out != "" && c.toGo == "" && c.toLibFuzz == "" {
		return &usageError{"-o goes with -to-go or -to-libfuzzer"}
	}
	if c.out != "" && c.fuzzer != "" {
		return &usageError{"-o and -fuzzer both choose where -to-go writes; give one"}
	}
	switch {
	case c.toLibFuzz != "":
		return c.runToLibFuzzer(cli)
	case c.toGo != "":
		return c.runToGo(cli)
	}
	root, p, fuzzers, skipped, err := c.load(cli)
	if err != nil {
		return err
	}
	if c.prepare {
		if err := c.prepareSources(cli, root, fuzzers); err != nil {
			return err
		}
	}
	if c.seeds != "" {
		written, err := ossfuzz.WriteSeeds(c.seeds, filepath.Join(root, "corpus"), fuzzers)
		if err != nil {
			return err
		}
		fmt.Fprintf(cli.Stdout, "wrote %d files for %d fuzzers to %s\n", len(written), len(fuzzers), c.seeds)
		return nil
	}
	if err := ossfuzz.ReadMaintainers(root, &p); err != nil {
		return err
	}
	if err := c.setMaintainers(&p); err != nil {
		return err
	}
	files, err := ossfuzz.Files(p, fuzzers, skipped)
	if err != nil {
		return err
	}
	var problems []string
	if c.check {
		stale, err := ossfuzz.Stale(root, files)
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			problems = append(problems, fmt.Sprintf("out of date with the %d targets: %s; run 'fuzzrun oss-fuzz' and commit the result",
				len(fuzzers), strings.Join(stale, ", ")))
		}
	} else {
		changed, err := ossfuzz.Write(root, files)
		if err != nil {
			return err
		}
		for _, path := range changed {
			fmt.Fprintf(cli.Stdout, "wrote %s\n", path)
		}
		fmt.Fprintf(cli.Stdout, "%d targets, %d files changed\n", len(fuzzers), len(changed))
	}
	for _, u := range skipped {
		fmt.Fprintf(cli.Stderr, "warning: %s is left out of build.sh: %s\n", u.Name, u.Reason)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	if c.check {
		fmt.Fprintf(cli.Stdout, "OSS-Fuzz and ClusterFuzzLite files are up to date: %d targets built, %d left out\n", len(fuzzers), len(skipped))
	}
	return nil
}

// setMaintainers applies -primary-contact and -auto-ccs over what
// project.yaml said.
func (c *ossFuzzCmd) setMaintainers(p *ossfuzz.Project) error {
	if c.contact != "" {
		p.PrimaryContact = c.contact
	}
	if c.autoCCs != "" {
		p.AutoCCs = nil
		for _, cc := range strings.Split(c.autoCCs, ",") {
			if cc = strings.TrimSpace(cc); cc != "" {
				p.AutoCCs = append(p.AutoCCs, cc)
			}
		}
	}
	for _, addr := range append([]string{p.PrimaryContact}, p.AutoCCs...) {
		if addr != "" && !ossfuzz.ValidEmail(addr) {
			return &usageError{fmt.Sprintf("%q is not an email address (OSS-Fuzz wants one linked to a Google account)", addr)}
		}
	}
	return nil
}

// load discovers the module's targets and names them for OSS-Fuzz.
//
// Targets that compile_native_go_fuzzer could not build even after
// ossfuzz.Prepare are returned apart, with the reason relative to root, so
// that build.sh leaves them out and says why instead of failing the whole
// OSS-Fuzz build.
func (c *ossFuzzCmd) load(cli *CLI) (root string, p ossfuzz.Project, fuzzers []ossfuzz.Fuzzer, skipped []ossfuzz.Unbuildable, err error) {
	root, err = filepath.Abs(cli.Dir)
	if err != nil {
		return "", p, nil, nil, err
	}
	modPath, err := target.ModulePath(root)
	if err != nil {
		return "", p, nil, nil, err
	}
	targets, err := target.Discover(root)
	if err != nil {
		return "", p, nil, nil, err
	}
	if len(targets) == 0 {
		return "", p, nil, nil, fmt.Errorf("no fuzz tests found under %s", root)
	}
	// The suite goes to OSS-Fuzz, as 'fuzzrun run' fuzzes it by default:
	// benchmark baselines and tests of the module's own tooling stay out.
	suite, err := target.Select(targets, nil, false)
	if err != nil {
		return "", p, nil, nil, err
	}
	var ts []ossfuzz.Target
	for _, t := range suite {
		ts = append(ts, ossfuzz.Target{Func: t.Name, ImportPath: t.ImportPath, Dir: t.AbsDir(root), Format: t.Format, Module: t.Module})
	}
	if len(ts) == 0 {
		return "", p, nil, nil, fmt.Errorf("none of the %d fuzz tests under %s is in the suite (they all lie under bench/), so none is exported", len(targets), root)
	}
	all, err := ossfuzz.Fuzzers(modPath, ts)
	if err != nil {
		return "", p, nil, nil, err
	}
	for _, f := range all {
		if err := ossfuzz.CheckBuildable(f); err != nil {
			reason := strings.ReplaceAll(err.Error(), root+string(filepath.Separator), "")
			reason = strings.TrimPrefix(reason, "ossfuzz: fuzzer "+f.Name+": ")
			skipped = append(skipped, ossfuzz.Unbuildable{Name: f.Name, Reason: reason})
			continue
		}
		fuzzers = append(fuzzers, f)
	}
	p = ossfuzz.Project{Name: c.project, Repo: c.repo}
	if p.Name == "" {
		p.Name = modPath[strings.LastIndex(modPath, "/")+1:]
	}
	if p.Repo == "" {
		p.Repo = "https://" + modPath
	}
	return root, p, fuzzers, skipped, nil
}

// runToGo decodes a libFuzzer test case into a Go corpus file.
func (c *ossFuzzCmd) runToGo(cli *CLI) error {
	data, err := os.ReadFile(c.toGo)
	if err != nil {
		return err
	}
	arg, err := ossfuzz.DecodeBytes(data)
	if err != nil {
		return fmt.Errorf("%s: %w", c.toGo, err)
	}
	gofile := corpusfile.Encode(arg)
	dest := c.out
	if c.fuzzer != "" {
		root, _, fuzzers, _, err := c.load(cli)
		if err != nil {
			return err
		}
		f, err := ossfuzz.Lookup(fuzzers, c.fuzzer)
		if err != nil {
			return err
		}
		// go test names a corpus file by the SHA-256 of its text.
		dest = filepath.Join(root, "crashers", "_incoming", f.Func, corpus.Name(gofile))
	}
	if dest == "" {
		_, err := cli.Stdout.Write(gofile)
		return err
	}
	if err := atomicfile.Write(dest, gofile, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cli.Stdout, "%s: %d-byte input → %s\n", c.toGo, len(arg), dest)
	return nil
}

// runToLibFuzzer encodes a Go corpus file, or a raw seed, as a libFuzzer input.
func (c *ossFuzzCmd) runToLibFuzzer(cli *CLI) error {
	data, err := os.ReadFile(c.toLibFuzz)
	if err != nil {
		return err
	}
	arg := data
	if corpusfile.Is(data) {
		if arg, err = corpusfile.Decode(data); err != nil {
			return fmt.Errorf("%s: %w", c.toLibFuzz, err)
		}
	}
	enc := ossfuzz.EncodeBytes(arg)
	if c.out == "" {
		_, err := cli.Stdout.Write(enc)
		return err
	}
	return atomicfile.Write(c.out, enc, 0o644)
}

// prepareSources runs ossfuzz.Prepare on every fuzzer, refusing to touch a
// tree that is not an OSS-Fuzz build's checkout under $SRC.
func (c *ossFuzzCmd) prepareSources(cli *CLI, root string, fuzzers []ossfuzz.Fuzzer) error {
	src := os.Getenv("SRC")
	if src == "" {
		return fmt.Errorf("-prepare rewrites source files, so it runs only in an OSS-Fuzz build, with $SRC set")
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(abs, root); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("-prepare: module %s is not inside $SRC (%s); it runs only on an OSS-Fuzz build's checkout", root, abs)
	}
	var problems []string
	for _, f := range fuzzers {
		files, err := ossfuzz.Prepare(f, true)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		for _, path := range files {
			fmt.Fprintf(cli.Stdout, "%s: unspelled %s for compile_native_go_fuzzer\n", path, f.Func)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}
