package ci

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	cx := map[string]any{
		"inputs":  map[string]any{"budget": ""},
		"matrix":  map[string]any{"target": map[string]any{"id": "fuzz/dns:FuzzWire"}},
		"github":  map[string]any{"event": map[string]any{"schedule": "17 2 * * *"}},
		"needs":   map[string]any{"targets": map[string]any{"outputs": map[string]any{"matrix": `[{"id":"a"}]`}}},
		"secrets": map[string]any{},
	}
	for _, tc := range []struct {
		expr string
		want string
		st   Status
	}{
		{"inputs.budget || '20m'", "20m", Status{}},
		{"matrix.target.id", "fuzz/dns:FuzzWire", Status{}},
		{"secrets.GITHUB_TOKEN", "", Status{}},
		{"!cancelled()", "true", Status{}},
		{"failure()", "true", Status{Failed: true}},
		{"success()", "false", Status{Failed: true}},
		{"github.event.schedule == '17 2 * * *' || inputs.mode == 'batch'", "true", Status{}},
		{"github.event.schedule == '47 4 * * 0'", "false", Status{}},
		{"fromJSON(needs.targets.outputs.matrix)", `[{"id":"a"}]`, Status{}},
		{"'it''s'", "it's", Status{}},
	} {
		v, err := Eval(tc.expr, cx, tc.st)
		if err != nil || String(v) != tc.want {
			t.Errorf("Eval(%q) = %q, %v; want %q", tc.expr, String(v), err, tc.want)
		}
	}
	for _, bad := range []string{"vars.X", "hashFiles('go.sum')", "inputs.budget ||", "a b"} {
		if _, err := Eval(bad, cx, Status{}); err == nil {
			t.Errorf("Eval(%q) succeeded; want an error (outside the supported subset)", bad)
		}
	}
}

// Without include-hidden-files, upload-artifact v4.4+ leaves out files
// under a hidden directory: the fuzz jobs' .fuzzrun/out/ would upload
// nothing. The local runner does the same, so the nightly test would fail.
func TestUploadHiddenFiles(t *testing.T) {
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, ".fuzzrun/out/stats"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, ".fuzzrun/out/stats/x.jsonl"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &Local{Artifacts: t.TempDir(), Log: new(strings.Builder)}
	if err := l.upload(ws, map[string]string{"name": "a", "path": ".fuzzrun/out/", "if-no-files-found": "error"}); err == nil {
		t.Error("uploading .fuzzrun/out/ without include-hidden-files found files")
	}
	if err := l.upload(ws, map[string]string{"name": "b", "path": ".fuzzrun/out/", "include-hidden-files": "true"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(l.Artifacts, "b/stats/x.jsonl")); err != nil {
		t.Errorf("the artifact's root is not the uploaded directory: %v", err)
	}
	if err := l.upload(ws, map[string]string{"name": "b", "path": ".fuzzrun/out/", "include-hidden-files": "true"}); err == nil {
		t.Error("a second upload under one name succeeded; v4 artifacts are immutable")
	}
}

// TestCIRunRunsTheWorkflowScripts: every script ci.yml runs, .ci/run runs
// too, so the two definitions of CI cannot drift.
func TestCIRunRunsTheWorkflowScripts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot, ".github/workflows/ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	wf, err := ParseWorkflow(data)
	if err != nil {
		t.Fatal(err)
	}
	run, err := os.ReadFile(filepath.Join(moduleRoot, ".ci/run"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			m := regexp.MustCompile(`^bash scripts/ci/([a-z0-9-]+)\.sh$`).FindStringSubmatch(strings.TrimSpace(s.Run))
			if s.Run == "" {
				continue
			}
			if m == nil {
				t.Errorf("ci.yml job %s step %q runs %q, not a scripts/ci/ script", job.ID, s.Label(), s.Run)
				continue
			}
			n++
			if !regexp.MustCompile(`(?m)^block ` + m[1] + `\b`).Match(run) {
				t.Errorf("ci.yml runs scripts/ci/%s.sh but .ci/run has no `block %s`", m[1], m[1])
			}
		}
	}
	if n == 0 {
		t.Error("ci.yml runs no script")
	}
}
