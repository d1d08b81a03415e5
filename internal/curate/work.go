package curate

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sort"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// TargetsOptions configure MergeWork and MinimizeFormats. ModuleRoot is
// required; the zero value of every other field is valid.
type TargetsOptions struct {
	ModuleRoot string
	// CorpusRoot holds corpus/<format>/; default ModuleRoot/corpus.
	CorpusRoot string
	// WorkDir is fuzzrun's work directory (MergeWork only); default
	// .fuzzrun at ModuleRoot.
	WorkDir *workdir.Dir
	// Coverage configures the coverage binaries; its ModuleRoot and Log
	// default to ModuleRoot and Log.
	Coverage coverage.Options
	DryRun   bool
	// ProfileDir keeps MinimizeFormats' profiles (MinimizeOptions.ProfileDir).
	ProfileDir string
	// Each is called with every result as it is made, before the next
	// target or format starts; may be nil.
	EachMerge    func(*MergeResult)
	EachMinimize func(*MinimizeResult)
	Log          io.Writer // progress lines; may be nil
}

func (o TargetsOptions) withDefaults() TargetsOptions {
	if o.CorpusRoot == "" {
		o.CorpusRoot = filepath.Join(o.ModuleRoot, "corpus")
	}
	if o.WorkDir == nil {
		o.WorkDir = workdir.At(o.ModuleRoot, "")
	}
	if o.Coverage.ModuleRoot == "" {
		o.Coverage.ModuleRoot = o.ModuleRoot
	}
	if o.Coverage.Log == nil && o.Log != nil {
		o.Coverage.Log = o.Log
	}
	return o
}

// MergeWork merges the work corpus of each of ts that reads a corpus format
// into corpus/<format>/ (Merge), one coverage binary at a time; a target
// with no work corpus yet is skipped without a build. It holds the work
// directory's lock throughout when the directory exists: a running fuzzrun
// writes the work corpus, and merging mid-run would quarantine files being
// written. A dry run moves and adds nothing.
func MergeWork(ctx context.Context, ts []target.Target, opts TargetsOptions) ([]*MergeResult, error) {
	opts = opts.withDefaults()
	wd := opts.WorkDir
	if wd.Exists() {
		lock, err := wd.Lock()
		if err != nil {
			return nil, err
		}
		defer lock.Release()
	}
	var results []*MergeResult
	for _, t := range ts {
		if t.Format == "" {
			continue
		}
		entries, _, err := corpus.ReadEntries(wd.CorpusDir(t), true, "")
		if err != nil {
			return results, err
		}
		if len(entries) == 0 {
			continue // nothing fuzzed yet: no need to build
		}
		bin, err := coverage.Build(ctx, t, opts.Coverage)
		if err != nil {
			return results, err
		}
		quarantine := wd.QuarantineDir(t)
		if opts.DryRun {
			quarantine = "" // a dry run moves nothing
		}
		res, err := Merge(ctx, bin, wd.CorpusDir(t), corpus.Dir{Root: opts.CorpusRoot, Format: t.Format},
			quarantine, MergeOptions{DryRun: opts.DryRun, Source: t.ID(), Log: opts.Log})
		bin.Close()
		if err != nil {
			return results, err
		}
		res.Target = t.ID()
		results = append(results, res)
		if opts.EachMerge != nil {
			opts.EachMerge(res)
		}
	}
	return results, nil
}

// ErrNoFormat is MinimizeFormats' error when no target reads a format to
// minimise.
var ErrNoFormat = errors.New("no selected target reads a corpus format")

// MinimizeFormats minimises corpus/<format>/ (Minimize) for every format
// one of ts reads (only that one when only is not ""), in name order, each
// measured with every target of ts that reads it.
func MinimizeFormats(ctx context.Context, ts []target.Target, only string, opts TargetsOptions) ([]*MinimizeResult, error) {
	opts = opts.withDefaults()
	byFormat := map[string][]target.Target{}
	for _, t := range ts {
		if t.Format != "" && (only == "" || t.Format == only) {
			byFormat[t.Format] = append(byFormat[t.Format], t)
		}
	}
	if len(byFormat) == 0 {
		return nil, ErrNoFormat
	}
	formats := make([]string, 0, len(byFormat))
	for f := range byFormat {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	var results []*MinimizeResult
	for _, f := range formats {
		bins, err := coverage.BuildAll(ctx, byFormat[f], opts.Coverage)
		if err != nil {
			return results, err
		}
		res, err := Minimize(ctx, corpus.Dir{Root: opts.CorpusRoot, Format: f}, bins,
			MinimizeOptions{DryRun: opts.DryRun, ProfileDir: opts.ProfileDir, Log: opts.Log})
		coverage.CloseAll(bins)
		if err != nil {
			return results, err
		}
		results = append(results, res)
		if opts.EachMinimize != nil {
			opts.EachMinimize(res)
		}
	}
	return results, nil
}
