package htmlreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// Options says where Collect finds its data. The zero value of each field
// but ModuleRoot is valid.
type Options struct {
	ModuleRoot string
	WorkDir    string        // fuzzrun's work directory; default ModuleRoot/.fuzzrun
	Plateau    time.Duration // idle time after which a target counts as plateaued; default 10m
	Now        func() time.Time
}

// DefaultPlateau is Options.Plateau's default.
const DefaultPlateau = 10 * time.Minute

// Page is everything the report shows.
type Page struct {
	Generated time.Time
	Module    string
	Plateau   time.Duration
	Targets   []TargetView
	LastRun   *RunView // the last run's summary.json; nil if there is none
	Crashes   []CrashRow
	Coverage  []CoverageRow
	Notes     []string // what could not be read, and was left out
}

// TargetView is one target's time series.
type TargetView struct {
	ID        string // pkgdir/FuzzXxx
	Points    int
	Runs      int
	Last      workdir.StatPoint
	Plateau   Plateau
	Plateaued bool
	Growth    string // inline SVG: corpus over time
	Rate      string // inline SVG: execs/sec over time
}

// RunView is the last run's summary: every selected target with its
// status, the ones that did no fuzzing flagged.
type RunView struct {
	Started, Finished time.Time
	Rows              []RunRow
	Unfuzzed          int // targets "not run" or "not fuzzed"
}

// RunRow is one target's part of the last run (workdir.TargetSummary).
type RunRow struct {
	workdir.TargetSummary
	Unfuzzed bool // not run, or ran without a fuzzing execution
}

// CrashRow is one stored crash.
type CrashRow struct {
	ID, Title, Target, Kind, Status string
	Count                           int
	FirstSeen, LastSeen             time.Time
	Report, Input                   string // links relative to the page
	srcReport, srcInput             string
}

// CoverageRow is one package's coverage as measured for one target.
type CoverageRow struct {
	Target     string
	Package    string
	Statements int
	Covered    int
	Percent    float64
	View       string // link to the HTML coverage view, relative to the page; "" if none
	srcView    string
}

// Collect gathers a Page. Unreadable pieces become Notes, not errors: the
// page shows what could be read and says what could not.
func Collect(opts Options) (*Page, error) {
	wd := workdir.At(opts.ModuleRoot, opts.WorkDir)
	if opts.Plateau == 0 {
		opts.Plateau = DefaultPlateau
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	page := &Page{Generated: now().UTC(), Module: moduleName(opts.ModuleRoot), Plateau: opts.Plateau}
	if err := page.collectStats(wd.StatsRoot()); err != nil {
		return nil, err
	}
	page.collectRun(wd.SummaryPath())
	page.collectCrashes(crashstore.Open(opts.ModuleRoot))
	if err := page.collectCoverage(wd.CoverageRoot()); err != nil {
		return nil, err
	}
	return page, nil
}

// collectRun reads the last run's summary; a missing one is no note.
func (p *Page) collectRun(path string) {
	s, err := workdir.ReadSummary(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		p.note("last run's summary left out: %v", err)
		return
	}
	v := &RunView{Started: s.Started, Finished: s.Finished}
	for _, t := range s.Targets {
		un := t.Status == workdir.StatusNotRun || t.Status == workdir.StatusNotFuzzed || t.Execs == 0 && t.Status == workdir.StatusOK
		if un {
			v.Unfuzzed++
		}
		v.Rows = append(v.Rows, RunRow{TargetSummary: t, Unfuzzed: un})
	}
	p.LastRun = v
}

func (p *Page) note(format string, args ...any) {
	p.Notes = append(p.Notes, fmt.Sprintf(format, args...))
}

func (p *Page) collectStats(dir string) error {
	files, err := findFiles(dir, workdir.StatsSuffix)
	if err != nil {
		return err
	}
	for _, f := range files {
		points, skipped, err := workdir.ReadSeries(f.path)
		for _, s := range skipped {
			p.note("%s", s)
		}
		if err != nil {
			p.note("%v", err)
		}
		if len(points) == 0 {
			p.note("%s: no readable points", f.path)
			continue
		}
		sort.SliceStable(points, func(i, j int) bool { return points[i].Time.Before(points[j].Time) })
		v := TargetView{ID: f.key, Points: len(points), Runs: countRuns(points), Last: points[len(points)-1]}
		v.Plateau = FindPlateau(points)
		v.Plateaued = v.Plateau.Idle >= p.Plateau
		g, err := chartSVG(f.key+": corpus growth", "count / %", points, corpusSeries)
		if err != nil {
			return err
		}
		r, err := chartSVG(f.key+": speed", "execs/sec", points, rateSeries)
		if err != nil {
			return err
		}
		v.Growth, v.Rate = string(g), string(r)
		p.Targets = append(p.Targets, v)
	}
	return nil
}

func countRuns(points []workdir.StatPoint) int {
	runs := map[time.Time]bool{}
	for _, pt := range points {
		runs[pt.Run] = true
	}
	return len(runs)
}

func (p *Page) collectCrashes(store *crashstore.Store) {
	entries, errs := store.List()
	for _, err := range errs {
		p.note("crash store: %v", err)
	}
	for _, e := range entries {
		c := e.Crash
		rel, err := filepath.Rel(store.Root, e.Path)
		if err != nil {
			rel = filepath.Join(c.Dir, c.Target, c.ID)
		}
		base := "crashes/" + filepath.ToSlash(rel) + "/"
		p.Crashes = append(p.Crashes, CrashRow{
			ID: c.ID, Title: c.Title, Target: c.TargetID(), Kind: c.Kind, Status: c.Status,
			Count: c.Count, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen,
			Report: base + crashstore.MarkdownFile, Input: base + crashstore.InputFile,
			srcReport: e.File(crashstore.MarkdownFile), srcInput: e.File(crashstore.InputFile),
		})
	}
	sort.SliceStable(p.Crashes, func(i, j int) bool {
		a, b := p.Crashes[i], p.Crashes[j]
		if (a.Status == "open") != (b.Status == "open") {
			return a.Status == "open"
		}
		return a.LastSeen.After(b.LastSeen)
	})
}

func (p *Page) collectCoverage(dir string) error {
	files, err := findFiles(dir, "report.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			p.note("coverage: %v", err)
			continue
		}
		var rep coverage.Report
		if err := json.Unmarshal(data, &rep); err != nil {
			p.note("coverage: %s: %v", f.path, err)
			continue
		}
		key := f.key
		view, src := "", filepath.Join(filepath.Dir(f.path), "index.html")
		if _, err := os.Stat(src); err == nil {
			view = "coverage/" + key + "/index.html"
		} else {
			src = ""
		}
		for _, pkg := range append(rep.Packages, rep.Total) {
			p.Coverage = append(p.Coverage, CoverageRow{
				Target: key, Package: pkg.ImportPath, Statements: pkg.Statements,
				Covered: pkg.Covered, Percent: pkg.Percent, View: view, srcView: src,
			})
		}
	}
	return nil
}

type found struct {
	path string
	key  string // slash path relative to the walked dir, without the suffix
}

// findFiles lists the files under dir whose names end in suffix, in path
// order. A missing dir has none.
func findFiles(dir, suffix string) ([]found, error) {
	var out []found
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), suffix) {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := strings.TrimSuffix(strings.TrimSuffix(filepath.ToSlash(rel), suffix), "/")
		out = append(out, found{path: path, key: key})
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	return out, nil
}

// moduleName reads the module path from go.mod, for the page title.
func moduleName(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return filepath.Base(root)
	}
	if p := modfile.ModulePath(data); p != "" {
		return p
	}
	return filepath.Base(root)
}
