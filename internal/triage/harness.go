package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/engine"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// Inputs produced by an older harness. A structured target (go-fuzz-headers)
// turns the stored bytes into library calls through its own builder; when
// the builder changes, the same bytes build another message, and a pass
// of a library crash (a panic, a fatal error, a hang, an oom) says nothing
// about the library (d5af7810c604: dhcpv4.ToBytes still panics
// on an IPv6 address; the builder stopped producing one). So a crash records
// its package's code (report.Harness: a hash of the package's Go files and
// the commit they can be restored from) and a pass with changed code is
// replayed once more through the recorded package files, built with go's
// -overlay over today's module (today's dependency versions). For a crash
// recorded before hashes were kept, the commit is the last one of the
// checkout's history at its first sighting, or, for one ingested from
// crashers/_incoming, the commit that added it there.

// harnessChanged reports whether the target package's code differs from
// the one the crash was recorded with, or is unknown.
func harnessChanged(s *crashstore.Store, c *report.Crash) bool {
	now := crashstore.HarnessHash(filepath.Join(s.ModuleRoot, filepath.FromSlash(c.Dir)))
	if now == "" {
		return false // no Go files to compare: nothing to replay with either
	}
	return c.Harness == nil || c.Harness.Hash != now
}

// replayRecordedHarness replays input through t built with its package's
// files as of the commit the crash was recorded with, and returns the
// outcome and that commit.
func (tr *Triager) replayRecordedHarness(ctx context.Context, e crashstore.Entry, t target.Target, input []byte) (Outcome, string, error) {
	root := tr.Store.ModuleRoot
	commit := ""
	if h := e.Crash.Harness; h != nil {
		commit = h.Commit
	}
	if commit == "" {
		commit = incomingCommit(ctx, root, e.Crash.Sources)
	}
	if commit == "" {
		out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-list", "-1", "--before="+e.Crash.FirstSeen.Format("2006-01-02T15:04:05Z"), "HEAD").Output()
		if err != nil || len(strings.TrimSpace(string(out))) == 0 {
			return Outcome{}, "", fmt.Errorf("no git commit of the checkout predates %s: %v", e.Crash.FirstSeen.Format("2006-01-02 15:04"), err)
		}
		commit = strings.TrimSpace(string(out))
	}
	short := commit[:min(12, len(commit))]
	if exec.CommandContext(ctx, "git", "-C", root, "diff", "--quiet", commit, "--", t.Dir).Run() == nil {
		// The package is as it was: today's replays were the exact ones.
		return Outcome{}, short, nil
	}
	tmp, err := os.MkdirTemp("", "fuzzrun-harness-")
	if err != nil {
		return Outcome{}, "", err
	}
	defer os.RemoveAll(tmp)
	overlay, err := packageOverlay(ctx, root, t.Dir, commit, tmp)
	if err != nil {
		return Outcome{}, "", err
	}
	bin, err := engine.BuildOverlay(ctx, root, t, tmp, overlay)
	if err != nil {
		return Outcome{}, "", fmt.Errorf("the package as of %s does not build with today's module: %w", short, err)
	}
	o, err := tr.runWith(ctx, t, input, bin)
	return o, short, err
}

// incomingCommit is the commit that added a crash's input to
// crashers/_incoming (the harness it was found with is that commit's), or
// "" when no source is such a file in the history.
func incomingCommit(ctx context.Context, root string, sources []string) string {
	for _, src := range sources {
		if !strings.HasPrefix(src, "crashers/"+IncomingDir+"/") {
			continue
		}
		out, err := exec.CommandContext(ctx, "git", "-C", root, "log", "--diff-filter=A", "--format=%H", "-1", "--", src).Output()
		if c := strings.TrimSpace(string(out)); err == nil && c != "" {
			return c
		}
	}
	return ""
}

// packageOverlay writes a go -overlay file replacing the Go files of the
// package in dir with their content at commit (and hiding files added
// since), and returns its path.
func packageOverlay(ctx context.Context, root, dir, commit, tmp string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "ls-tree", "--name-only", commit, path.Clean(dir)+"/").Output()
	if err != nil {
		return "", fmt.Errorf("list %s at %s: %w", dir, commit, err)
	}
	replace := map[string]string{}
	abs := filepath.Join(root, filepath.FromSlash(dir))
	now, _ := filepath.Glob(filepath.Join(abs, "*.go"))
	for _, f := range now {
		replace[f] = "" // deleted unless the commit has it
	}
	n := 0
	for _, name := range strings.Fields(string(out)) {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		data, err := exec.CommandContext(ctx, "git", "-C", root, "show", commit+":"+name).Output()
		if err != nil {
			return "", fmt.Errorf("read %s at %s: %w", name, commit, err)
		}
		file := filepath.Join(tmp, fmt.Sprintf("f%d_%s", n, path.Base(name)))
		n++
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(abs, path.Base(name))] = file
	}
	if n == 0 {
		return "", fmt.Errorf("%s has no Go files at %s", dir, commit)
	}
	data, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	p := filepath.Join(tmp, "overlay.json")
	return p, os.WriteFile(p, data, 0o644)
}
