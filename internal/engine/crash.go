package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

// Crash is one failing input found by fuzzing, moved out of the package's
// testdata (so the module's `go test ./...` stays green) and handed to the
// caller to store.
type Crash struct {
	Target     string // FuzzXxx
	ImportPath string
	Dir        string // package directory relative to the module root
	// Input is the failing input decoded from Go's corpus file: the single
	// []byte argument every daemonfuzz target takes. It is nil for a target
	// of another shape; GoFile always holds the file as Go wrote it.
	Input  []byte
	GoFile []byte
	File   string // the file's name as Go wrote it (a hash)
	// Output is the failure output: the failing test's report with its
	// stack, and for a hang, an OOM or a worker that died, the output of a
	// replay of the input, which holds the stack Go's worker could not report.
	Output []byte
	Kind   string // "", KindHang or KindOOM
	Seen   time.Time
	// Seed is set for a failure while testing the seed corpus: the entry
	// Go named (FuzzXxx/seed#N for an f.Add seed, FuzzXxx/<file> for a
	// file). Input and GoFile hold the entry when it is a file fuzzrun can
	// read, and are nil for an f.Add seed.
	Seed string
	// Replayed says the input was replayed for its stack, and Reproduced
	// whether it failed again then. A hang the watchdog saw that does not
	// reproduce is most likely a starved worker on a loaded machine.
	Replayed, Reproduced bool
}

// crashDir is where Go writes failing inputs of target name under the
// package directory dir.
func crashDir(dir, name string) string {
	return filepath.Join(dir, "testdata", "fuzz", name)
}

// collectCrash reads the failing input Go wrote, replays it when Go's output
// cannot hold a stack, removes it from testdata, and returns the Crash.
func collectCrash(ctx context.Context, opts FuzzOptions, dir string, st *outputState, kind string, hang time.Duration) (Crash, error) {
	t := opts.Target
	path := filepath.Join(dir, filepath.FromSlash(st.crashPath))
	if rel, err := filepath.Rel(crashDir(dir, t.Name), path); err != nil || strings.Contains(rel, string(filepath.Separator)) || strings.HasPrefix(rel, "..") {
		return Crash{}, fmt.Errorf("%s: Go reported a failing input outside testdata/fuzz/%s: %s", t.ID(), t.Name, path)
	}
	goFile, err := os.ReadFile(path)
	if err != nil {
		return Crash{}, fmt.Errorf("%s: read failing input %s: %w (%w)", t.ID(), path, err, errNoCrashFile)
	}
	defer os.Remove(path)
	c := Crash{
		Target: t.Name, ImportPath: t.ImportPath, Dir: t.Dir,
		GoFile: goFile, File: filepath.Base(path), Output: st.failure, Kind: kind,
		Seen: time.Now().UTC(),
	}
	if in, err := corpusfile.Decode(goFile); err == nil {
		c.Input = in
	}
	if len(c.Output) == 0 {
		c.Output = []byte(st.tail())
	}
	if (kind != "" || st.unexpected) && ctx.Err() == nil {
		timeout := hang
		if timeout <= 0 {
			timeout = DefaultHangTimeout
		}
		rr, err := replayFile(ctx, opts.Binary, dir, t.Name, c.File, timeout, opts.MemLimitMB, opts.Env)
		if err == nil {
			c.Replayed, c.Reproduced = true, rr.Failed
			c.Output = append(c.Output, "\n--- fuzzrun: replay of the input, for its stack ---\n"...)
			c.Output = append(c.Output, rr.Output...)
			if c.Kind == "" {
				c.Kind = rr.Kind
			}
		}
	}
	return c, nil
}

// seedCrash is the Crash of a failure while testing the seed corpus entry
// Go named in st.
func seedCrash(opts FuzzOptions, dir string, st *outputState) Crash {
	t := opts.Target
	c := Crash{
		Target: t.Name, ImportPath: t.ImportPath, Dir: t.Dir,
		Output: st.failure, Seed: st.seedFailure, File: filepath.Base(st.seedFailure),
		Seen: time.Now().UTC(),
	}
	if len(c.Output) == 0 {
		c.Output = []byte(st.tail())
	}
	for _, root := range []string{filepath.Join(dir, "testdata", "fuzz"), opts.CacheDir} {
		if root == "" || strings.Contains(st.seedFailure, "#") {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(st.seedFailure))); err == nil {
			c.GoFile = data
			if in, err := corpusfile.Decode(data); err == nil {
				c.Input = in
			}
			break
		}
	}
	return c
}
