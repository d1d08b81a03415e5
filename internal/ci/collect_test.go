package ci

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCollectRefusesConflicts: scripts/nightly/collect.sh merges the fuzz
// jobs' uploads, and when two hold one file differently (two report.json of
// one crash) it merges nothing and names both, instead of the last one
// winning as merge-multiple would.
func TestCollectRefusesConflicts(t *testing.T) {
	needTools(t, "bash", "git")
	dir := t.TempDir()
	for _, f := range []string{"scripts/ci/lib.sh", "scripts/nightly/collect.sh"} {
		if err := copyFile(filepath.Join(moduleRoot, f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	write := func(rel, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	collect := func() (string, error) {
		cmd := exec.Command("bash", "scripts/nightly/collect.sh")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	write(".fuzzrun/jobs/fuzz-a/crashers/fuzz-x.FuzzA/0123/report.json", `{"count": 1}`)
	write(".fuzzrun/jobs/fuzz-a/stats/fuzz/x/FuzzA.jsonl", "{}\n")
	write(".fuzzrun/jobs/fuzz-b/crashers/fuzz-x.FuzzA/0123/report.json", `{"count": 2}`)
	out, err := collect()
	if err == nil || !strings.Contains(out, "crashers/fuzz-x.FuzzA/0123/report.json differs") {
		t.Fatalf("collect.sh with two different report.json: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "crashers")); !os.IsNotExist(err) {
		t.Errorf("collect.sh merged something despite the conflict: %v", err)
	}
	write(".fuzzrun/jobs/fuzz-b/crashers/fuzz-x.FuzzA/0123/report.json", `{"count": 1}`)
	if out, err := collect(); err != nil {
		t.Fatalf("collect.sh with identical copies: %v\n%s", err, out)
	}
	for _, f := range []string{"crashers/fuzz-x.FuzzA/0123/report.json", ".fuzzrun/stats/fuzz/x/FuzzA.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("not collected: %v", err)
		}
	}
}
