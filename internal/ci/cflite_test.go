package ci

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestClusterFuzzLiteWorkflows reads the ClusterFuzzLite workflows the way
// GitHub would run them, short of Docker: which jobs each schedule and each
// manual mode starts, and that every build is of Go with the generated
// .clusterfuzzlite/ files present. Their build script itself is built and
// run here by scripts/ci/ossfuzz.sh (BUILD_SH=.clusterfuzzlite/build.sh).
func TestClusterFuzzLiteWorkflows(t *testing.T) {
	batch := readWorkflow(t, "cflite_batch.yml")
	for _, tc := range []struct {
		schedule, mode string
		want           string
	}{
		{"17 2 * * *", "", "batch"},
		{"47 4 * * 0", "", "coverage prune"},
		{"", "batch", "batch"},
		{"", "prune", "prune"},
		{"", "coverage", "coverage"},
	} {
		cx := map[string]any{
			"github": map[string]any{"event": map[string]any{"schedule": tc.schedule}},
			"inputs": map[string]any{"mode": tc.mode},
		}
		var ran []string
		for _, job := range batch.Jobs {
			ok, err := condition(job.If, cx, Status{})
			if err != nil {
				t.Fatalf("job %s: %v", job.ID, err)
			}
			if ok {
				ran = append(ran, job.ID)
			}
		}
		sort.Strings(ran)
		if got := strings.Join(ran, " "); got != tc.want {
			t.Errorf("schedule %q mode %q runs jobs %q, want %q", tc.schedule, tc.mode, got, tc.want)
		}
	}
	for _, wf := range []*Workflow{batch, readWorkflow(t, "cflite_pr.yml")} {
		for _, job := range wf.Jobs {
			builds := 0
			for _, s := range job.Steps {
				if strings.HasPrefix(s.Uses, "google/clusterfuzzlite/actions/build_fuzzers@") {
					builds++
					if s.With["language"] != "go" {
						t.Errorf("%s job %s: build_fuzzers language %q, want go", wf.Name, job.ID, s.With["language"])
					}
				}
			}
			if builds != 1 {
				t.Errorf("%s job %s: %d build_fuzzers steps, want 1", wf.Name, job.ID, builds)
			}
		}
	}
	for _, f := range []string{".clusterfuzzlite/build.sh", ".clusterfuzzlite/Dockerfile", ".clusterfuzzlite/project.yaml"} {
		if _, err := os.Stat(filepath.Join(moduleRoot, f)); err != nil {
			t.Error(err)
		}
	}
}

func readWorkflow(t *testing.T, name string) *Workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot, ".github/workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	wf, err := ParseWorkflow(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return wf
}
