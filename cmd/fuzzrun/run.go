package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/minimize"
	"github.com/daemonfuzz/daemonfuzz/internal/run"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
	"github.com/daemonfuzz/daemonfuzz/internal/triage"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// runCmd fuzzes many targets under a time budget on all cores.
type runCmd struct {
	total, perTarget time.Duration
	jobs, parallel   int
	workdir          string
	minimize, hang   time.Duration
	memMB            int
	json, all        bool
	crashMinimize    time.Duration
}

func (*runCmd) Name() string { return "run" }
func (*runCmd) Synopsis() string {
	return "fuzz the selected targets under a time budget on every core"
}
func (*runCmd) Usage() string {
	return `[flags] [pattern...]

Fuzzes the targets the patterns select (default: the suite; see 'fuzzrun
list'), -jobs processes at a time, giving more time to targets still finding
new inputs. A slice's time is fuzzing time, counted after the process's
baseline pass. The work corpus lives in -workdir and persists, so the next
run resumes from it. Crashes, a failing seed included, go to the crash store
(crashers/); the target is restarted and its later processes skip every
signature already stored in the run, so the search goes on past them.
Ctrl-C stops every worker within seconds and keeps what was found. The
budget counts from the end of the build. Exit status 3 means crashes were
found, 1 that a target could not be fuzzed (it does not build, or it crashes
again and again on a bug it cannot skip) or the run was interrupted.`
}

func (c *runCmd) Flags(fs *flag.FlagSet) {
	fs.DurationVar(&c.total, "time", 0, "total fuzzing `duration` of the run (default 10m unless -per-target is set)")
	fs.DurationVar(&c.perTarget, "per-target", 0, "fuzz each target for this `duration` instead of a total budget")
	fs.IntVar(&c.jobs, "jobs", runtime.NumCPU(), "fuzzing worker processes to run at once")
	fs.IntVar(&c.parallel, "parallel", 0, "workers per fuzzing process (0: spread -jobs over the targets)")
	fs.StringVar(&c.workdir, "workdir", "", "work `directory` for corpus, stats and summary (default <module>/.fuzzrun)")
	fs.DurationVar(&c.minimize, "minimize-time", 0, "Go's -fuzzminimizetime for new inputs (0 keeps fuzzing; crashers are minimised by triage)")
	fs.DurationVar(&c.hang, "hang-timeout", engine.DefaultHangTimeout, "an input running this long is recorded as a hang")
	fs.IntVar(&c.memMB, "mem-limit", 2048, "`MiB` of resident memory a fuzzing worker may use before its input is recorded as an OOM (0: no limit)")
	fs.BoolVar(&c.json, "json", false, "print the run summary as JSON instead of a table")
	fs.BoolVar(&c.all, "all", false, "select among every target (benchmark baselines and tool tests too), not only the suite")
	fs.DurationVar(&c.crashMinimize, "crash-minimize", 30*time.Second, "minimise each new crash in-process for at most this `duration` when it is stored (0: leave it to 'fuzzrun minimize')")
}

func (c *runCmd) Run(ctx context.Context, cli *CLI, args []string) error {
	if c.total > 0 && c.perTarget > 0 {
		return &usageError{"use -time or -per-target, not both"}
	}
	if c.total < 0 || c.perTarget < 0 || c.jobs < 1 || c.parallel < 0 || c.memMB < 0 {
		return &usageError{"durations, -jobs, -parallel and -mem-limit must not be negative (and -jobs at least 1)"}
	}
	if c.total == 0 && c.perTarget == 0 {
		c.total = 10 * time.Minute
	}
	root, targets, err := selectTargets(cli.Dir, args, c.all)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return fmt.Errorf("no fuzz targets in %s (a target is func FuzzXxx(f *testing.F) in a _test.go file)", root)
	}
	wd := workDir(cli, root, c.workdir)
	wdRoot := wd.Root
	sink := &storeSink{store: crashstore.Open(root), root: root, wd: wd, minimize: c.crashMinimize, ctx: ctx,
		tr: &triage.Triager{Store: crashstore.Open(root), Targets: targets, InProcess: true, Timeout: c.hang, MemLimitMB: c.memMB}}
	defer sink.tr.Close()
	r, err := run.New(run.Options{
		ModuleRoot: root, WorkDir: wdRoot, Targets: targets,
		Jobs: c.jobs, Parallel: c.parallel, Total: c.total, PerTarget: c.perTarget,
		MinimizeTime: c.minimize, HangTimeout: c.hang, MemLimitMB: c.memMB,
		OnCrash: sink.record,
		Display: display(cli),
	})
	if err != nil {
		return err
	}
	sum, err := r.Run(ctx)
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(cli.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		run.WriteTable(cli.Stdout, sum)
	}
	var failed []string
	for _, t := range sum.Targets {
		if t.Status == workdir.StatusFailed {
			failed = append(failed, t.ID)
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Errorf("%d targets could not be fuzzed (%s); the table above says why", len(failed), strings.Join(failed, ", "))
	case len(sum.Crashes) > 0:
		return &findingsError{fmt.Sprintf("%d crashes found; see the crash store (%s) and run 'fuzzrun triage'", len(sum.Crashes), crashstore.DirName)}
	case sum.Interrupted:
		return fmt.Errorf("interrupted; every input found so far is kept in %s and the next run resumes from it", wdRoot)
	}
	return nil
}

// display picks a redrawn table for a terminal and plain lines otherwise.
func display(cli *CLI) run.Display {
	if f, ok := cli.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &run.TerminalDisplay{W: cli.Stderr, Height: func() int {
			_, h, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return h
		}}
	}
	return &run.PlainDisplay{W: cli.Stderr}
}

// storeSink files the crashes of a run in the module's crash store.
type storeSink struct {
	store    *crashstore.Store
	root     string
	wd       *workdir.Dir
	tr       *triage.Triager
	minimize time.Duration // budget to minimise a new crash; 0: none
	ctx      context.Context
}

func (s *storeSink) record(c engine.Crash) (workdir.CrashRef, error) {
	input := c.Input
	if input == nil {
		// A target of another shape than func(*testing.T, []byte): keep
		// the Go corpus file itself as the reproducer.
		input = c.GoFile
	}
	t := target.Target{Name: c.Target, ImportPath: c.ImportPath, Dir: c.Dir}
	obs := crashstore.Observe(triage.Ref(t), input, c.Output, c.Kind, "fuzzrun run", c.Seen)
	// A hang or an oom is only a crash when its replay showed it again.
	obs.Unconfirmed = c.Kind != "" && !(c.Replayed && c.Reproduced)
	obs.NoInput = input == nil
	e, isNew, err := s.store.Record(obs)
	if err != nil {
		dir := s.wd.UnstoredDir(t)
		if errors.Is(err, crashstore.ErrUnconfirmed) {
			dir = s.wd.UnconfirmedDir(t)
		}
		return workdir.CrashRef{}, s.keep(dir, c, err)
	}
	if isNew && s.minimize > 0 && input != nil {
		s.minimizeNew(t, e)
	}
	ref := workdir.CrashRef{Path: e.Path, New: isNew}
	if rel, err := filepath.Rel(s.root, e.Path); err == nil {
		ref.Path = rel
	}
	if e.Crash != nil {
		ref.ID, ref.Title, ref.Kind = e.Crash.ID, e.Crash.Title, e.Crash.Kind
	}
	return ref, nil
}

// keep writes a crash the store did not take into dir, and returns the
// error saying where it is.
func (s *storeSink) keep(dir string, c engine.Crash, why error) error {
	path := filepath.Join(dir, c.File)
	if err := atomicfile.Write(path, c.GoFile, 0o644); err != nil {
		return fmt.Errorf("%w; and its input could not be kept either (%v): it is lost", why, err)
	}
	if err := atomicfile.Write(path+".log", c.Output, 0o644); err != nil {
		return fmt.Errorf("%w; input kept in %s, without its output (%v)", why, path, err)
	}
	if errors.Is(why, crashstore.ErrUnconfirmed) {
		return fmt.Errorf("%w; kept in %s for a look", why, path)
	}
	return fmt.Errorf("%w; input kept in %s: fix the store, move it to crashers/_incoming/%s/ and run 'fuzzrun triage'", why, path, c.Target)
}

// minimizeNew shrinks a newly stored crash within the budget; a failure
// leaves the entry as it was stored (not minimised), and says so.
func (s *storeSink) minimizeNew(t target.Target, e crashstore.Entry) {
	switch e.Crash.Kind {
	case signature.KindHang, signature.KindOOM, signature.KindTerminated:
		return // a replay per candidate: too slow for the run; 'fuzzrun minimize' does it
	}
	if _, err := s.tr.MinimizeEntry(s.ctx, e, minimize.Options{Budget: s.minimize}); err != nil && s.ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "fuzzrun run: %s stored but not minimised: %v\n", e.Crash.StoreKey(), err)
	}
}
