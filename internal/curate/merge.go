package curate

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
)

// MergeOptions configure Merge. The zero value is valid.
type MergeOptions struct {
	DryRun bool
	// Source names the work corpus in the seeds' provenance, for example
	// the target's ID.
	Source string
	Log    io.Writer
}

// MergeResult is what Merge did (or, dry, would do).
type MergeResult struct {
	Target     string           `json:"target"`
	Format     string           `json:"format"`
	Work       int              `json:"work"`  // work corpus inputs read
	Known      int              `json:"known"` // already seeds (or repeated in the work corpus)
	Added      int              `json:"added"` // new seeds
	NoGain     int              `json:"no_new_coverage"`
	Unmeasured int              `json:"unmeasured"` // crash or hang the target: crashers, not seeds
	Problems   []corpus.Problem `json:"problems,omitempty"`
}

// Merge adds to d the inputs of workDir (Go corpus files, as `go test -fuzz`
// and fuzzrun run write them) that reach a block of b's target that d's
// seeds and the smaller work inputs do not. Corrupt work files are moved to
// quarantine.
func Merge(ctx context.Context, b *coverage.Binary, workDir string, d corpus.Dir, quarantine string, opts MergeOptions) (*MergeResult, error) {
	logf := logger(opts.Log)
	res := &MergeResult{Target: b.Target.Name, Format: d.Format}
	work, problems, err := corpus.ReadEntries(workDir, true, quarantine)
	if err != nil {
		return nil, err
	}
	seeds, seedProblems, err := corpus.ReadEntries(d.Path(), false, d.QuarantineDir())
	if err != nil {
		return nil, err
	}
	res.Problems = append(problems, seedProblems...)
	res.Work = len(work)
	have := map[string]bool{}
	for _, s := range seeds {
		have[corpus.Name(s.Data)] = true
	}
	var cands []corpus.Entry
	for _, w := range work {
		if name := corpus.Name(w.Data); have[name] {
			res.Known++
		} else {
			have[name] = true
			cands = append(cands, w)
		}
	}
	if len(cands) == 0 {
		return res, nil
	}
	slices.SortStableFunc(cands, func(a, b corpus.Entry) int { return len(a.Data) - len(b.Data) })
	inputs := make([][]byte, 0, len(seeds)+len(cands))
	for _, s := range seeds {
		inputs = append(inputs, s.Data)
	}
	for _, c := range cands {
		inputs = append(inputs, c.Data)
	}
	logf("merge %s into corpus/%s: measuring %d seeds and %d new work inputs\n", b.Target.Name, d.Format, len(seeds), len(cands))
	results, err := b.PerInput(ctx, inputs)
	if err != nil {
		return nil, err
	}
	var base []coverage.Block
	for _, r := range results[:len(seeds)] {
		base = append(base, r.Blocks...)
	}
	candBlocks := make([][]coverage.Block, len(cands))
	for i, r := range results[len(seeds):] {
		if r.Status == coverage.Panicked || r.Status == coverage.Hung {
			res.Unmeasured++
			continue
		}
		candBlocks[i] = r.Blocks
	}
	gains := coverage.Adds(base, candBlocks)
	res.Added = len(gains)
	res.NoGain = len(cands) - res.Added - res.Unmeasured
	if opts.DryRun {
		return res, nil
	}
	batch := d.NewBatch()
	for _, i := range gains {
		p := corpus.Provenance{Kind: corpus.KindFuzzer, Source: "fuzzrun work corpus of " + opts.Source,
			Note: fmt.Sprintf("work file %s", filepath.Base(cands[i].Path))}
		if _, _, err := batch.Add(cands[i].Data, p); err != nil {
			return res, fmt.Errorf("merge into corpus/%s: %w", d.Format, err)
		}
	}
	return res, batch.Close()
}
