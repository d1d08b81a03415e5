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
// from then on. Each input is replayed first, in strict mode as triage
// replays it, and refused if it fails now: a failing file there would break
// go test ./..., and the entry is triaged again on the spot so its status
// says what the replay showed (regress and triage never disagree). An
// existing file with other content is an error, never overwritten. dryRun
// only reports. With named set (the user named the entries), an entry that
// is not fixed gets a Regression whose Err says why nothing was written;
// otherwise it is skipped.
func (tr *Triager) Regress(ctx context.Context, entries []crashstore.Entry, dryRun, named bool) []Regression {
	var out []Regression
	for _, e := range entries {
		if e.Crash.Status != report.StatusFixed {
			if named {
				out = append(out, Regression{Entry: e, Path: RegressPath(tr.Store.ModuleRoot, e.Crash), Err: notFixed(e)})
			}
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
		r := Result{Entry: e, Previous: e.Crash.Status}
		if err := tr.triageOne(ctx, &r); err != nil {
			return false, fmt.Errorf("%s: marked fixed but fails now (%s), and triaging it again failed: %w", e.Crash.StoreKey(), o.Crash.Title(""), err)
		}
		return false, fmt.Errorf("%s: marked fixed but fails now (%s); triaged again, it is %s; nothing written", e.Crash.StoreKey(), o.Crash.Title(""), e.Crash.StatusText())
	}
	if dryRun {
		return false, nil
	}
	return true, atomicfile.Write(path, data, 0o644)
}

// notFixed says why regress writes nothing for an entry that is not fixed.
func notFixed(e crashstore.Entry) error {
	c := e.Crash
	why := ""
	if c.Triage != nil {
		why = fmt.Sprintf(" (last triage %s: reproduced %d of %d replays)", c.Triage.At.Format("2006-01-02 15:04"), c.Triage.Reproduced, c.Triage.Attempts)
	}
	return fmt.Errorf("%s is %s%s; regress writes fixed crashers only, since a failing input in testdata would fail go test; run 'fuzzrun triage %s' after the fix", c.StoreKey(), c.StatusText(), why, c.ID)
}
