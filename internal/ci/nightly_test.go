package ci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

const moduleRoot = "../.."

// needTools skips the test when a command it runs is missing, except in CI
// (CI=true), where scripts/ci/tools.sh installs them and a skip would hide
// the test.
func needTools(t *testing.T, cmds ...string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; scripts/ci/tools.sh installs it", c)
			}
			t.Skipf("%s is not installed (scripts/ci/tools.sh installs it)", c)
		}
	}
}

// TestNightlyWorkflow runs .github/workflows/nightly-fuzz.yml's jobs and
// steps, as written there, in a scratch clone of this tree, twice (two
// nights sharing the cache and the fake GitHub), with a 5 s budget and two
// of the matrix's targets, one package's. It shows that every step runs, that the matrix
// is the suite's targets, that each fuzz job uploads only its own findings
// (hidden .fuzzrun/ included), that the work corpus comes back from the
// cache the next night, and that filing twice files each signature once
// and repeats no comment.
func TestNightlyWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly workflow twice (about two minutes); go test without -short runs it")
	}
	needTools(t, "git", "jq", "bash")
	data, err := os.ReadFile(filepath.Join(moduleRoot, ".github/workflows/nightly-fuzz.yml"))
	if err != nil {
		t.Fatal(err)
	}
	wf, err := ParseWorkflow(data)
	if err != nil {
		t.Fatal(err)
	}
	all, err := target.Discover(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	var suite []string
	for _, tg := range all {
		if tg.Set == target.SetSuite {
			suite = append(suite, tg.ID())
		}
	}
	picked := pickTargets(all)
	origin := scratchRepo(t, picked)
	gh := newFakeGitHub(t)
	cache, scratch := t.TempDir(), t.TempDir()

	night := func(runID string) (artifacts string, log string, results []Result) {
		t.Helper()
		var buf bytes.Buffer
		l := &Local{
			Repo: origin, Dir: scratch, Cache: cache, Artifacts: t.TempDir(), Log: &buf,
			Env: []string{"GITHUB_REPOSITORY=o/r", "GITHUB_API_URL=" + gh.APIURL(), "GITHUB_RUN_ID=" + runID,
				"GITHUB_SERVER_URL=https://github.example", "DRY_RUN=1",
				"PARALLEL=1"}, // one fuzzing worker: the machine is shared
			Contexts: map[string]any{
				"github": map[string]any{"run_id": runID, "event_name": "workflow_dispatch", "repository": "o/r",
					"event": map[string]any{"repository": map[string]any{"default_branch": "main"}}},
				"inputs":  map[string]any{"budget": "5s"},
				"secrets": map[string]any{"GITHUB_TOKEN": fakeToken},
			},
			Matrix: func(job string, entries []any) []any {
				var ids []string
				var keep []any
				for _, e := range entries {
					id, _ := e.(map[string]any)["id"].(string)
					ids = append(ids, id)
					for _, p := range picked {
						if id == p.ID() {
							keep = append(keep, e)
						}
					}
				}
				sort.Strings(ids)
				if strings.Join(ids, " ") != strings.Join(suite, " ") {
					t.Errorf("matrix of job %s:\n%v\nwant the suite's targets (target.SetSuite):\n%v", job, ids, suite)
				}
				return keep
			},
		}
		results, err := l.Run(context.Background(), wf)
		if err != nil {
			t.Fatalf("night %s: %v\n%s", runID, err, tail(buf.String(), 80))
		}
		if len(results) != len(wf.Jobs)-1+len(picked) {
			t.Fatalf("night %s ran %d jobs, want %d\n%s", runID, len(results), len(wf.Jobs)-1+len(picked), tail(buf.String(), 40))
		}
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(line, "== job ") || stepTime.MatchString(line) {
				t.Logf("night %s: %s", runID, line)
			}
		}
		return l.Artifacts, buf.String(), results
	}

	arts1, log1, _ := night("1001")
	for _, p := range picked {
		checkFuzzUpload(t, filepath.Join(arts1, "fuzz-"+matrixKey(p)), p)
	}
	filed := checkReports(t, filepath.Join(arts1, "crash-reports"))
	bodies1, comments1 := gh.snapshot()
	checkIssues(t, "night 1", bodies1, comments1)
	if len(bodies1) != len(filed) {
		t.Errorf("night 1 filed %d issues for %d open or flaky crashes %v", len(bodies1), len(filed), filed)
	}

	arts2, log2, _ := night("1002")
	for _, p := range picked {
		want := fmt.Sprintf("cache: restored fuzz-%s-1001", matrixKey(p))
		if !strings.Contains(log2, want) {
			t.Errorf("night 2 did not restore night 1's work corpus of %s (%q)", p.ID(), want)
		}
	}
	filed2 := checkReports(t, filepath.Join(arts2, "crash-reports"))
	bodies2, comments2 := gh.snapshot()
	checkIssues(t, "night 2", bodies2, comments2)
	for n := range bodies1 {
		if len(comments2[n]) != len(comments1[n]) {
			t.Errorf("night 2 commented on issue #%d, filed night 1 from the same build: %q", n, comments2[n][len(comments1[n]):])
		}
	}
	if len(bodies2) != len(filed2) {
		t.Errorf("after night 2: %d issues for %d open or flaky signatures %v", len(bodies2), len(filed2), filed2)
	}
	for _, want := range []string{"dry run: would push corpus/nightly-1001", "no input added coverage"} {
		if strings.Contains(log1, want) {
			return
		}
	}
	t.Errorf("night 1's corpus job neither proposed a pull request (dry run) nor said there was nothing to propose\n%s", tail(log1, 40))
}

// pickTargets chooses the first two suite targets of the first suite
// package, so the test follows renamed or added targets and builds one
// package (the time goes into compiling; two jobs still show that each
// uploads only its own findings).
func pickTargets(all []target.Target) []target.Target {
	var picked []target.Target
	for _, tg := range all {
		if tg.Set == target.SetSuite && len(picked) < 2 && (len(picked) == 0 || picked[0].Dir == tg.Dir) {
			picked = append(picked, tg)
		}
	}
	return picked
}

// matrixKey is scripts/nightly/matrix.sh's key of a target.
func matrixKey(tg target.Target) string {
	return regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(tg.Dir, "_") + "_" + tg.Name
}

// scratchRepo commits this tree (tracked and untracked files, not ignored
// ones) into a new repository that the workflow's checkouts clone. Its
// crash store keeps only the picked targets' entries, so that triage
// replays a few crashes, not every one.
func scratchRepo(t *testing.T, picked []target.Target) string {
	t.Helper()
	out, err := exec.Command("git", "-C", moduleRoot, "ls-files", "-z", "-c", "-o", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	keep := map[string]bool{}
	for _, p := range picked {
		keep[crashstore.TargetKey(p.Dir, p.Name)] = true
	}
	dir := t.TempDir()
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		parts := strings.Split(f, "/")
		if len(parts) >= 3 && parts[0] == crashstore.DirName && parts[1] != "_incoming" && !keep[parts[1]] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(moduleRoot, f)); os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err := copyFile(filepath.Join(moduleRoot, f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "scratch"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// checkFuzzUpload checks one fuzz job's artifact: the target's work corpus
// or stats (hidden .fuzzrun/ paths made it in), and crash store entries of
// its own target only.
func checkFuzzUpload(t *testing.T, dir string, tg target.Target) {
	t.Helper()
	var files []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	stats := "stats/" + tg.Dir + "/" + tg.Name + ".jsonl"
	found := false
	for _, f := range files {
		found = found || f == stats
		if strings.HasPrefix(f, "crashers/") && !strings.HasPrefix(f, "crashers/"+crashstore.TargetKey(tg.Dir, tg.Name)+"/") {
			t.Errorf("the fuzz job of %s uploaded another target's crash entry %s", tg.ID(), f)
		}
	}
	if !found {
		t.Errorf("the fuzz job of %s uploaded no %s (files: %v)", tg.ID(), stats, files)
	}
}

// checkReports checks the crash-reports artifact and returns the ids of
// the open and flaky crashes, which are filed.
func checkReports(t *testing.T, dir string) []string {
	t.Helper()
	for _, f := range []string{"crashes.json", "crashes.sarif", "crashes.md", "html/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("crash-reports artifact: %v", err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "crashes.json"))
	if err != nil {
		return nil
	}
	var doc report.List
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("crashes.json: %v", err)
	}
	ids := map[string]bool{}
	for _, c := range doc.Crashes {
		if c.Status == report.StatusOpen || c.Status == report.StatusFlaky {
			ids[c.ID] = true
		}
	}
	var out []string
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

var stepTime = regexp.MustCompile(`^-- step .*: [0-9.]+s$`)

var markerID = regexp.MustCompile(`<!-- fuzzrun-signature: (\S+) -->`)

// checkIssues fails on two issues for one signature, an issue without a
// marker, or a comment repeated on one issue.
func checkIssues(t *testing.T, when string, bodies map[int]string, comments map[int][]string) {
	t.Helper()
	bySig := map[string]int{}
	for n, body := range bodies {
		m := markerID.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s: issue #%d has no signature marker", when, n)
			continue
		}
		if other, dup := bySig[m[1]]; dup {
			t.Errorf("%s: issues #%d and #%d are both about signature %s", when, other, n, m[1])
		}
		bySig[m[1]] = n
		seen := map[string]bool{}
		for _, c := range comments[n] {
			if seen[c] {
				t.Errorf("%s: issue #%d has the comment %q twice", when, n, c)
			}
			seen[c] = true
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
