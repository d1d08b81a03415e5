package triage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// Regression is one fixed crasher written as a regression input.
type Regression struct {
	Entry   crashstore.Entry
	Path    string // <pkgdir>/testdata/fuzz/<FuzzX>/<id>
	Written bool   // false when the file was already there
	Err     error
}

// RegressPath is where a crash's regression input goes.
func RegressPath(moduleRoot string, c *report.Crash) string {
	return filepath.Join(moduleRoot, filepath.FromSlash(c.Dir), "testdata", "fuzz", c.Target, c.ID)
}

// Regress writes every fixed entry's reproducer into its package's
// testdata/fuzz/<FuzzX>/<id> in Go's corpus format, so plain go test runs it
// from then on. Each input is replayed first and refused if it fails now:
// a failing file there would break go test ./.... An existing file with
// other content is an error, never overwritten. dryRun only reports.
func (tr *Triager) Regress(ctx context.Context, entries []crashstore.Entry, dryRun bool) []Regression {
	var out []Regression
	for _, e := range entries {
		if e.Crash.Status != report.StatusFixed {
			continue
		}
		r := Regression{Entry: e, Path: RegressPath(tr.Store.ModuleRoot, e.Crash)}
		r.Written, r.Err = tr.regressOne(ctx, e, r.Path, dryRun)
		out = append(out, r)
	}
	return out
}

func (tr *Triager) regressOne(ctx context.Context, e crashstore.Entry, path string, dryRun bool) (bool, error) {
	input, err := e.Input()
	if err != nil {
		return false, &crashstore.Error{Path: e.File(crashstore.InputFile), Err: err}
	}
	data := corpusfile.Encode(input)
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, data):
		return false, nil
	case err == nil:
		return false, fmt.Errorf("%s exists with other content; not overwriting it (compare it with %s)", path, e.File(crashstore.InputFile))
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	t, err := tr.TargetOf(e)
	if err != nil {
		return false, err
	}
	o, err := tr.Run(ctx, t, input)
	if err != nil {
		return false, err
	}
	if o.Failed {
		return false, fmt.Errorf("%s: marked fixed but crashes now (%s); run 'fuzzrun triage' before regress", e.Path, o.Crash.Title(""))
	}
	if dryRun {
		return false, nil
	}
	return true, atomicfile.Write(path, data, 0o644)
}
