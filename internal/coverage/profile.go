package coverage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"golang.org/x/tools/cover"
)

// Package is the statement coverage of one package.
type Package struct {
	ImportPath string  `json:"import_path"`
	Statements int     `json:"statements"`
	Covered    int     `json:"covered"`
	Percent    float64 `json:"percent"`
}

// Report is the statement coverage a set of inputs reaches.
type Report struct {
	Target   string    `json:"target"`
	Inputs   int       `json:"inputs"`
	Packages []Package `json:"packages"`
	Total    Package   `json:"total"`
	Profile  string    `json:"profile,omitempty"` // the text profile, kept by Profile's caller
}

// Profile runs inputs through the target in one process and writes the
// text coverage profile (go tool cover's format) to out. With seeds, the
// target's own seeds run too: its f.Add calls and, through harness.Seed, the
// module's corpus/. If an input ends the process, the inputs are measured one
// by one to find those that do, and the run is repeated without them; the
// indexes skipped are returned.
func (b *Binary) Profile(ctx context.Context, inputs [][]byte, seeds bool, out string) (*Report, []int, error) {
	err := b.profileOnce(ctx, inputs, seeds, out)
	var skipped []int
	if err != nil {
		fmt.Fprintf(b.opts.Log, "coverage: %s: the run failed; looking for inputs that end the process\n", b.Target.Name)
		results, perr := b.PerInput(ctx, inputs)
		if perr != nil {
			return nil, nil, fmt.Errorf("%w (and measuring inputs one by one: %v)", err, perr)
		}
		var kept [][]byte
		for i, r := range results {
			if r.Status == Panicked || r.Status == Hung {
				skipped = append(skipped, i)
				continue
			}
			kept = append(kept, inputs[i])
		}
		if len(skipped) == 0 {
			return nil, nil, err
		}
		if err := b.profileOnce(ctx, kept, seeds, out); err != nil {
			return nil, nil, err
		}
	}
	rep, err := ReadProfile(out)
	if err != nil {
		return nil, nil, err
	}
	rep.Target = b.Target.Name
	rep.Inputs = len(inputs) - len(skipped)
	rep.Profile = out
	return rep, skipped, nil
}

func (b *Binary) profileOnce(ctx context.Context, inputs [][]byte, seeds bool, out string) error {
	dir, err := b.scratch(inputs, 0, len(inputs), seeds)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	run := "-test.run=^" + b.Target.Name + "$"
	if !seeds {
		run += "/^" + inputPrefix
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return err
	}
	var failed *testsFailed
	if err := b.exec(ctx, dir, "", run, "-test.coverprofile="+abs); err != nil && !errors.As(err, &failed) {
		return fmt.Errorf("coverage of %s: %w", b.Target.Name, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("coverage of %s: the test process wrote no profile: %w", b.Target.Name, err)
	}
	return nil
}

// ReadProfile summarises a text coverage profile per package.
func ReadProfile(file string) (*Report, error) {
	profiles, err := cover.ParseProfiles(file)
	if err != nil {
		return nil, fmt.Errorf("read coverage profile %s: %w", file, err)
	}
	byPkg := map[string]*Package{}
	rep := &Report{Total: Package{ImportPath: "total"}}
	for _, p := range profiles {
		pkg := path.Dir(p.FileName)
		s := byPkg[pkg]
		if s == nil {
			s = &Package{ImportPath: pkg}
			byPkg[pkg] = s
		}
		for _, bl := range p.Blocks {
			s.Statements += bl.NumStmt
			rep.Total.Statements += bl.NumStmt
			if bl.Count > 0 {
				s.Covered += bl.NumStmt
				rep.Total.Covered += bl.NumStmt
			}
		}
	}
	for _, s := range byPkg {
		s.Percent = percent(s.Covered, s.Statements)
		rep.Packages = append(rep.Packages, *s)
	}
	sort.Slice(rep.Packages, func(i, j int) bool { return rep.Packages[i].ImportPath < rep.Packages[j].ImportPath })
	rep.Total.Percent = percent(rep.Total.Covered, rep.Total.Statements)
	return rep, nil
}

func percent(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// HTML renders profile as dir/index.html with `go tool cover -html`, run in
// the module root so the sources resolve.
func HTML(ctx context.Context, moduleRoot, profile, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	page, err := filepath.Abs(filepath.Join(dir, "index.html"))
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(profile)
	if err != nil {
		return "", err
	}
	if out, err := goCmd(ctx, moduleRoot, "tool", "cover", "-html="+abs, "-o", page); err != nil {
		return "", fmt.Errorf("go tool cover -html: %w\n%s", err, out)
	}
	return page, nil
}
