package htmlreport

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/report"
	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyModuleSaysSo(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/empty\n")
	page, err := Collect(Options{ModuleRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "html")
	path, err := Write(out, page)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(path)
	for _, id := range []string{`id="no-stats"`, `id="no-crashes"`, `id="no-coverage"`, "example.com/empty"} {
		if !strings.Contains(string(html), id) {
			t.Errorf("empty page lacks %s", id)
		}
	}
}

const panicLog = `--- FAIL: FuzzWire (0.01s)
    --- FAIL: FuzzWire (0.00s)
        testing.go:1591: panic: runtime error: index out of range [7] with length 3
            goroutine 9 [running]:
            runtime/debug.Stack()
            	/usr/local/go/src/runtime/debug/stack.go:26 +0x5e
            testing.tRunner.func1()
            	/usr/local/go/src/testing/testing.go:1591 +0x1c8
            panic({0x5f1d00?, 0xc0000aa018?})
            	/usr/local/go/src/runtime/panic.go:770 +0x132
            example.com/toy/parse.header(...)
            	/src/parse/parse.go:12
            example.com/toy/parse.Parse({0xc000016118, 0x3, 0x8})
            	/src/parse/parse.go:20 +0x4b
            example.com/toy/fuzz.FuzzWire.func1(0x0?, {0xc000016118, 0x3, 0x8})
            	/src/fuzz/fuzz_test.go:9 +0x25
FAIL
`

func TestPageShowsSeriesCrashesCoverageAndNotes(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/toy\n")
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	var lines []string
	for i := 0; i < 6; i++ {
		lines = append(lines, `{"time":"`+t0.Add(time.Duration(i)*3*time.Second).Format(time.RFC3339)+`","run":"2026-11-29T10:00:00Z","elapsed":`+itoa(3*i)+`,"execs":`+itoa(1000*i)+`,"execs_per_sec":333,"corpus":`+itoa(5+i)+`,"new":`+itoa(i)+`}`)
	}
	lines = append(lines[:3], append([]string{`{"time":"2026-11-29T10:00:0`}, lines[3:]...)...)
	writeFile(t, filepath.Join(root, ".fuzzrun", "stats", "fuzz", "FuzzWire.jsonl"), strings.Join(lines, "\n")+"\n")
	writeFile(t, filepath.Join(root, ".fuzzrun", "coverage", "fuzz", "FuzzWire", "report.json"),
		`{"target":"fuzz:FuzzWire","inputs":6,"packages":[{"import_path":"example.com/toy/parse","statements":40,"covered":30,"percent":75}],"total":{"import_path":"total","statements":40,"covered":30,"percent":75}}`)
	writeFile(t, filepath.Join(root, ".fuzzrun", "coverage", "fuzz", "FuzzWire", "index.html"), "<html>coverage view</html>")

	store := crashstore.Open(root)
	store.Deps = func(string, string) ([]report.Module, error) { return nil, nil }
	if _, _, err := store.Record(crashstore.Observation{Target: "FuzzWire", Package: "example.com/toy/fuzz", Dir: "fuzz", Input: []byte("abc"), Output: []byte(panicLog), Source: "test"}); err != nil {
		t.Fatal(err)
	}

	page, err := Collect(Options{ModuleRoot: root, Plateau: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "html")
	path, err := Write(out, page)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	html := string(data)
	if n := strings.Count(html, "<svg"); n != 2 {
		t.Errorf("page has %d charts, want 2 (growth and speed)", n)
	}
	if !strings.Contains(html, "stats/fuzz/FuzzWire.jsonl:4: skipped") {
		t.Errorf("page does not name the corrupt stats line")
	}
	if !strings.Contains(html, `class="crash"`) || !strings.Contains(html, "index out of range") {
		t.Errorf("crash table lacks the stored crash")
	}
	if !strings.Contains(html, "75.0%") {
		t.Errorf("coverage table lacks the measured package")
	}
	for _, m := range regexp.MustCompile(`href="([^"#][^"]*)"`).FindAllStringSubmatch(html, -1) {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(m[1]))); err != nil {
			t.Errorf("link %s does not resolve: %v", m[1], err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestPageFlagsTargetsTheLastRunDidNotFuzz(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/toy\n")
	s := workdir.Summary{Version: workdir.SummaryVersion, Targets: []workdir.TargetSummary{
		{ID: "fuzz:FuzzA", Status: workdir.StatusOK, Execs: 5000, Fuzzed: workdir.Duration(10 * time.Second)},
		{ID: "fuzz:FuzzB", Status: workdir.StatusNotFuzzed},
		{ID: "fuzz:FuzzC", Status: workdir.StatusNotRun},
	}}
	if err := s.Write(filepath.Join(root, ".fuzzrun", "summary.json")); err != nil {
		t.Fatal(err)
	}
	page, err := Collect(Options{ModuleRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	if page.LastRun == nil || page.LastRun.Unfuzzed != 2 {
		t.Fatalf("last run = %+v, want 2 targets flagged", page.LastRun)
	}
	path, err := Write(filepath.Join(t.TempDir(), "html"), page)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	html := string(data)
	if !strings.Contains(html, "2 targets did no fuzzing") || strings.Count(html, `class="unfuzzed"`) != 2 {
		t.Errorf("page does not flag the unfuzzed targets:\n%s", html)
	}
}
