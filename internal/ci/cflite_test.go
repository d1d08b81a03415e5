package ci

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestClusterFuzzLiteWorkflows reads the ClusterFuzzLite workflows the way
// GitHub would run them, short of Docker: which jobs each schedule and each
// manual mode starts, and that every build is of Go with the generated
// .clusterfuzzlite/ files present.
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

// TestClusterFuzzLiteBuild runs .clusterfuzzlite/build.sh, the script the
// ClusterFuzzLite workflows' build_fuzzers runs in its Docker image, with
// scripts/ossfuzz-local.sh's stand-in for compile_native_go_fuzzer and
// clang's libFuzzer, for its first fuzzer, then run on its seeds. The
// build of every target is scripts/ci/ossfuzz.sh's, in .ci/run and ci.yml.
func TestClusterFuzzLiteBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds libFuzzer binaries (a minute); go test without -short runs it")
	}
	needTools(t, "bash", "clang++", "unzip")
	f, err := os.Open(filepath.Join(moduleRoot, ".clusterfuzzlite/build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var only []string
	line := regexp.MustCompile(`^compile_native_go_fuzzer (\S+) \S+ (\S+)$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil && len(only) == 0 {
			only = append(only, regexp.QuoteMeta(m[2]))
		}
	}
	if len(only) == 0 {
		t.Fatal(".clusterfuzzlite/build.sh builds no fuzzer")
	}
	cmd := exec.Command("bash", "scripts/ossfuzz-local.sh")
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "BUILD_SH=.clusterfuzzlite/build.sh", "RUNS=200",
		"ONLY=^("+strings.Join(only, "|")+")$", "OSSFUZZ_CACHE="+filepath.Join(os.Getenv("HOME"), ".cache/daemonfuzz-ossfuzz"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/ossfuzz-local.sh with .clusterfuzzlite/build.sh: %v\n%s", err, tail(string(out), 60))
	}
	want := regexp.MustCompile(`built (\d+) of (\d+) fuzzers`)
	m := want.FindStringSubmatch(string(out))
	if m == nil || m[1] != m[2] || m[1] != strconv.Itoa(len(only)) {
		t.Errorf("want all %d fuzzers built:\n%s", len(only), tail(string(out), 30))
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
