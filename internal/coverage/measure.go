package coverage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// MeasureOptions configure Measure. The zero value is valid.
type MeasureOptions struct {
	Options // the binary's; ModuleRoot is where t lives
	// WorkDir is fuzzrun's work directory: its work corpus of t is measured
	// too, and the result is kept in its CoverageDir(t) (report.json and
	// index.html) for 'fuzzrun report -html'. Nil: neither.
	WorkDir *workdir.Dir
	// Profile keeps the text coverage profile at this path (and names it
	// in Report.Profile); "" uses a temporary file.
	Profile string
	// HTMLDir, when set, also gets go tool cover's HTML view (index.html).
	HTMLDir string
}

// Measurement is what Measure found.
type Measurement struct {
	Report *Report
	// Problems are corpus entries that could not be read: left out.
	Problems []corpus.Problem
	// Unmeasured counts the inputs that crash or hang the target: left out.
	Unmeasured int
	// HTML is the page written into HTMLDir, if any.
	HTML string
}

// Measure reports the statement coverage t's whole corpus reaches: its own
// seeds (f.Add and corpus/<format>/), testdata/fuzz/<FuzzXxx>/ and, with a
// WorkDir, fuzzrun's work corpus.
func Measure(ctx context.Context, t target.Target, opts MeasureOptions) (*Measurement, error) {
	root, err := filepath.Abs(opts.withDefaults().ModuleRoot)
	if err != nil {
		return nil, err
	}
	opts.ModuleRoot = root
	m := &Measurement{}
	dirs := []string{filepath.Join(t.AbsDir(root), "testdata", "fuzz", t.Name)}
	if opts.WorkDir != nil {
		dirs = append(dirs, opts.WorkDir.CorpusDir(t))
	}
	var inputs [][]byte
	for _, dir := range dirs {
		entries, problems, err := corpus.ReadEntries(dir, true, "")
		if err != nil {
			return nil, err
		}
		m.Problems = append(m.Problems, problems...)
		for _, e := range entries {
			inputs = append(inputs, e.Data)
		}
	}
	bin, err := Build(ctx, t, opts.Options)
	if err != nil {
		return nil, err
	}
	defer bin.Close()
	profile := opts.Profile
	if profile == "" {
		tmp, err := os.MkdirTemp("", "fuzzrun-coverage-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		profile = filepath.Join(tmp, t.Name+".cover")
	}
	rep, skipped, err := bin.Profile(ctx, inputs, true, profile)
	if err != nil {
		return nil, err
	}
	m.Report, m.Unmeasured = rep, len(skipped)
	rep.Target = t.ID()
	if opts.Profile == "" {
		rep.Profile = ""
	}
	if opts.WorkDir != nil {
		if err := keep(ctx, root, opts.WorkDir.CoverageDir(t), rep, profile); err != nil {
			return nil, err
		}
	}
	if opts.HTMLDir != "" {
		if m.HTML, err = HTML(ctx, root, profile, opts.HTMLDir); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// keep saves rep and go tool cover's HTML view as the target's last
// measurement in dir.
func keep(ctx context.Context, root, dir string, rep *Report, profile string) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "report.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	_, err = HTML(ctx, root, profile, dir)
	return err
}
