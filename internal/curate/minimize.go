package curate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
)

// MinimizeOptions configure Minimize. The zero value is valid.
type MinimizeOptions struct {
	DryRun     bool      // measure and report, change nothing
	ProfileDir string    // keep the full and minimised coverage profiles here; default a temp dir, removed
	Log        io.Writer // progress lines; may be nil
}

// TargetCoverage is the statement coverage one target reaches with the full
// corpus and with the minimised one.
type TargetCoverage struct {
	Target string           `json:"target"`
	Full   coverage.Package `json:"full"`
	Kept   coverage.Package `json:"kept"`
}

// MinimizeResult is what Minimize did (or, dry, would do).
type MinimizeResult struct {
	Format      string           `json:"format"`
	DryRun      bool             `json:"dry_run"`
	Before      int              `json:"before"`
	After       int              `json:"after"`
	BytesBefore int64            `json:"bytes_before"`
	BytesAfter  int64            `json:"bytes_after"`
	Unmeasured  []string         `json:"unmeasured,omitempty"` // inputs that crash or hang a target: kept, never judged
	Coverage    []TargetCoverage `json:"coverage"`
	Problems    []corpus.Problem `json:"problems,omitempty"`
}

// Minimize shrinks d to a subset of its inputs that reaches every block any
// input reaches in any of bins (the targets that read this format), taking
// the inputs that add the most first and the smaller of equals. Before it
// changes anything it proves the claim: each target's statement coverage
// with the kept inputs must equal its coverage with all of them. The new set
// is written beside the old one and swapped in by renames; the old directory
// is removed only after that.
func Minimize(ctx context.Context, d corpus.Dir, bins []*coverage.Binary, opts MinimizeOptions) (*MinimizeResult, error) {
	if len(bins) == 0 {
		return nil, fmt.Errorf("minimize corpus/%s: no target reads this format", d.Format)
	}
	logf := logger(opts.Log)
	quarantine := d.QuarantineDir()
	if opts.DryRun {
		quarantine = "" // a dry run moves nothing
	}
	entries, problems, err := corpus.ReadEntries(d.Path(), false, quarantine)
	if err != nil {
		return nil, err
	}
	res := &MinimizeResult{Format: d.Format, DryRun: opts.DryRun, Problems: problems, Before: len(entries)}
	if len(entries) == 0 {
		return res, nil
	}
	inputs := make([][]byte, len(entries))
	sizes := make([]int, len(entries))
	for i, e := range entries {
		inputs[i], sizes[i] = e.Data, len(e.Data)
		res.BytesBefore += int64(len(e.Data))
	}
	// Blocks of different targets are different blocks: number them densely
	// per (target, block) so one set cover serves every target.
	ids := map[[2]uint64]coverage.Block{}
	blocks := make([][]coverage.Block, len(entries))
	unmeasured := map[int]bool{}
	for t, b := range bins {
		logf("minimize corpus/%s: measuring %d inputs on %s\n", d.Format, len(inputs), b.Target.Name)
		results, err := b.PerInput(ctx, inputs)
		if err != nil {
			return nil, err
		}
		for i, r := range results {
			if r.Status == coverage.Panicked || r.Status == coverage.Hung {
				unmeasured[i] = true
			}
			for _, bl := range r.Blocks {
				k := [2]uint64{uint64(t), uint64(bl)}
				id, ok := ids[k]
				if !ok {
					id = coverage.Block(len(ids))
					ids[k] = id
				}
				blocks[i] = append(blocks[i], id)
			}
		}
	}
	keep := map[int]bool{}
	for _, i := range coverage.Cover(blocks, sizes) {
		keep[i] = true
	}
	for i := range unmeasured {
		keep[i] = true
		res.Unmeasured = append(res.Unmeasured, entries[i].Path)
	}
	// The proof runs without the unjudged inputs, which would end the
	// process; they are in both sets alike.
	var kept []corpus.Entry
	var judged, keptJudged [][]byte
	for i, e := range entries {
		if !unmeasured[i] {
			judged = append(judged, e.Data)
		}
		if keep[i] {
			kept = append(kept, e)
			res.BytesAfter += int64(len(e.Data))
			if !unmeasured[i] {
				keptJudged = append(keptJudged, e.Data)
			}
		}
	}
	res.After = len(kept)
	if err := prove(ctx, d.Format, bins, judged, keptJudged, opts, res); err != nil {
		return res, err
	}
	if opts.DryRun || res.After == res.Before {
		return res, nil
	}
	return res, swap(d, kept)
}

// prove measures each target's statement coverage with all inputs and with
// the kept ones, and fails if the kept ones reach less.
func prove(ctx context.Context, format string, bins []*coverage.Binary, all, kept [][]byte, opts MinimizeOptions, res *MinimizeResult) error {
	dir := opts.ProfileDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "fuzzrun-minimize-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	for _, b := range bins {
		full, _, err := b.Profile(ctx, all, false, filepath.Join(dir, b.Target.Name+".full.cover"))
		if err != nil {
			return err
		}
		min, _, err := b.Profile(ctx, kept, false, filepath.Join(dir, b.Target.Name+".kept.cover"))
		if err != nil {
			return err
		}
		res.Coverage = append(res.Coverage, TargetCoverage{Target: b.Target.Name, Full: full.Total, Kept: min.Total})
		if min.Total.Covered < full.Total.Covered {
			return fmt.Errorf("minimize corpus/%s: the kept inputs cover %d statements of %s, the full corpus %d; nothing was changed (is the target nondeterministic?)",
				format, min.Total.Covered, b.Target.Name, full.Total.Covered)
		}
	}
	return nil
}

// swap replaces d's directory with exactly kept, and its manifest with the
// kept entries' lines: the new directory is complete before the old one is
// moved aside, and removed only once the new one is in place.
func swap(d corpus.Dir, kept []corpus.Entry) error {
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	next := filepath.Join(d.Root, "."+d.Format+".minimized-"+stamp)
	old := filepath.Join(d.Root, "."+d.Format+".old-"+stamp)
	names := map[string]bool{}
	for _, e := range kept {
		name := filepath.Base(e.Path)
		names[name] = true
		if err := atomicfile.Write(filepath.Join(next, name), e.Data, 0o644); err != nil {
			os.RemoveAll(next)
			return err
		}
	}
	manifest, err := d.Manifest()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(next)
		return err
	}
	var lines []corpus.Provenance
	for _, p := range manifest {
		if names[p.File] {
			lines = append(lines, p)
		}
	}
	if err := os.Rename(d.Path(), old); err != nil {
		os.RemoveAll(next)
		return fmt.Errorf("minimize corpus/%s: move the old set aside: %w", d.Format, err)
	}
	if err := os.Rename(next, d.Path()); err != nil {
		if rerr := os.Rename(old, d.Path()); rerr != nil {
			return fmt.Errorf("minimize corpus/%s: %w; the old set is in %s and the new one in %s", d.Format, err, old, next)
		}
		return fmt.Errorf("minimize corpus/%s: %w; nothing was changed", d.Format, err)
	}
	if len(manifest) > 0 {
		if err := d.WriteManifest(lines); err != nil {
			return fmt.Errorf("minimize corpus/%s: the seeds are minimised but the manifest was not rewritten: %w", d.Format, err)
		}
	}
	return os.RemoveAll(old)
}

func logger(w io.Writer) func(string, ...any) {
	if w == nil {
		w = io.Discard
	}
	return func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
}
