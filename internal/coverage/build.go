package coverage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// Options configure Build and the runs of the binary. The zero value is
// valid.
type Options struct {
	// ModuleRoot is the module directory go runs in and whose corpus/ holds
	// the seeds; default the working directory.
	ModuleRoot string
	// CoverPkg lists the packages to measure (import paths or patterns, as
	// for -coverpkg). Default: the target's package and its direct
	// non-standard imports, which is where the parser under test lives.
	CoverPkg []string
	// Jobs is the number of test processes run at once; default NumCPU.
	Jobs int
	// BatchSize is the number of inputs one process measures; default 2000.
	BatchSize int
	// Timeout bounds one process; default 10 minutes.
	Timeout time.Duration
	// InputTimeout is how long one input may run when inputs are measured
	// one by one; default 10 s, as Go's fuzzing engine allows. An input
	// that takes longer is reported as hung and skipped.
	InputTimeout time.Duration
	// Log receives progress lines; default io.Discard.
	Log io.Writer
	// Env is added to the environment of the test processes the binary
	// runs (this process's own is passed on, and is never changed for
	// them): triage's strict mode (harness.NoSuppressEnv) goes here.
	Env []string
}

func (o Options) withDefaults() Options {
	if o.ModuleRoot == "" {
		o.ModuleRoot = "."
	}
	if o.Jobs <= 0 {
		o.Jobs = runtime.NumCPU()
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.InputTimeout <= 0 {
		o.InputTimeout = 10 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// Binary is a coverage-instrumented test binary for one target. Close
// removes it.
type Binary struct {
	Target   target.Target
	CoverPkg []string // what was instrumented
	opts     Options
	dir      string // the target's package directory, absolute
	tmp      string
	exe      string
}

// Build compiles t's test package (t.Dir under opts.ModuleRoot) with
// coverage instrumentation of opts.CoverPkg and the per-input wrapper (see
// the package doc).
func Build(ctx context.Context, t target.Target, opts Options) (*Binary, error) {
	opts = opts.withDefaults()
	root, err := filepath.Abs(opts.ModuleRoot)
	if err != nil {
		return nil, err
	}
	opts.ModuleRoot = root
	dir := t.AbsDir(root)
	if _, err := findFuzzCall(dir, t.Name); err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", t.Name, err)
	}
	pkgs := opts.CoverPkg
	if len(pkgs) == 0 {
		if pkgs, err = defaultCoverPkg(ctx, t.ModuleDir(root), t.ImportPath); err != nil {
			return nil, fmt.Errorf("coverage of %s: %w", t.Name, err)
		}
	}
	tmp, err := os.MkdirTemp("", "fuzzrun-cover-")
	if err != nil {
		return nil, err
	}
	b := &Binary{Target: t, CoverPkg: pkgs, opts: opts, dir: dir, tmp: tmp, exe: filepath.Join(tmp, "target.test")}
	overlay, err := Overlay(dir, t.ImportPath, t.Name, tmp, ModeCover)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("coverage of %s: %w", t.Name, err)
	}
	args := []string{"test", "-c", "-vet=off", "-o", b.exe, "-cover", "-covermode=atomic", "-ldflags=-checklinkname=0",
		"-coverpkg=" + strings.Join(pkgs, ","), "-overlay=" + overlay, t.ImportPath}
	fmt.Fprintf(opts.Log, "coverage: building %s with -coverpkg=%s\n", t.Name, strings.Join(pkgs, ","))
	if out, err := goCmd(ctx, t.ModuleDir(root), args...); err != nil {
		b.Close()
		return nil, fmt.Errorf("build coverage binary for %s: %w\n%s", t.Name, err, out)
	}
	return b, nil
}

// Close removes the binary and its scratch files.
func (b *Binary) Close() error { return os.RemoveAll(b.tmp) }

// BuildAll builds a binary for each of ts, in order; on error it removes
// the ones already built.
func BuildAll(ctx context.Context, ts []target.Target, opts Options) ([]*Binary, error) {
	var bins []*Binary
	for _, t := range ts {
		b, err := Build(ctx, t, opts)
		if err != nil {
			CloseAll(bins)
			return nil, err
		}
		bins = append(bins, b)
	}
	return bins, nil
}

// CloseAll closes every binary of bins.
func CloseAll(bins []*Binary) {
	for _, b := range bins {
		b.Close()
	}
}

// notUnderTest are packages a target imports to decode fuzz input, not to
// test: counting them would only dilute the figures.
var notUnderTest = map[string]bool{
	"github.com/AdaLogics/go-fuzz-headers": true,
}

// defaultCoverPkg returns pkg and its direct imports outside the standard
// library, less notUnderTest.
func defaultCoverPkg(ctx context.Context, root, pkg string) ([]string, error) {
	out, err := goCmd(ctx, root, "list", "-f", `{{join .Imports "\n"}}`, pkg)
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w\n%s", pkg, err, out)
	}
	imports := strings.Fields(string(out))
	pkgs := []string{pkg}
	if len(imports) == 0 {
		return pkgs, nil
	}
	out, err = goCmd(ctx, root, append([]string{"list", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`}, imports...)...)
	if err != nil {
		return nil, fmt.Errorf("go list imports of %s: %w\n%s", pkg, err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if !notUnderTest[p] {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}
