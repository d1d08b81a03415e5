package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// TestReportHTMLInBrowser renders the web report from a real short run of a
// toy module and opens it in headless Chromium, checking what a person would
// see: charts drawn with data points, the stored crash in the crash table,
// links that resolve. The screenshot is kept in the test's artifact directory
// (go test -artifacts).
func TestReportHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and fuzzes a toy module")
	}
	browser := findChromium(t)
	root := t.TempDir()
	unpackTxtar(t, filepath.Join("testdata", "htmlreport", "toy.txtar"), root)

	run := func(args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		cli := &CLI{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: root}
		code := cli.Main(context.Background(), args)
		return stdout.String(), stderr.String(), code
	}
	// Two runs: the page shows a series that spans runs.
	for i := 0; i < 2; i++ {
		if _, stderr, code := run("run", "-time", "8s", "-jobs", "1"); code != exitOK && code != exitFindings {
			t.Fatalf("fuzzrun run exited %d:\n%s", code, stderr)
		}
	}
	if _, stderr, code := run("triage"); code != exitOK && code != exitFindings {
		t.Logf("fuzzrun triage exited %d:\n%s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "page")
	stdout, stderr, code := run("report", "-html", out)
	if code != exitOK {
		t.Fatalf("fuzzrun report -html exited %d:\n%s%s", code, stdout, stderr)
	}

	dom := chromium(t, browser, "--dump-dom", "file://"+filepath.Join(out, "index.html"))
	svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(dom, -1)
	if len(svgs) < 2 {
		t.Fatalf("the browser sees %d charts, want growth and speed charts:\n%.2000s", len(svgs), dom)
	}
	marker := regexp.MustCompile(`<path d="M[0-9.,-]+A`)
	for i, svg := range svgs {
		if n := len(marker.FindAllString(svg, -1)); n < 2 {
			t.Errorf("chart %d draws %d data points, want at least 2 (a point every progress line)", i, n)
		}
	}
	crashRows := regexp.MustCompile(`(?s)<tr class="crash".*?</tr>`).FindAllString(dom, -1)
	if len(crashRows) == 0 {
		t.Fatalf("the crash table lists no crash; the planted index out of range should be stored:\n%.3000s", dom)
	}
	if !strings.Contains(crashRows[0], "index out of range") {
		t.Errorf("crash row does not name the bug: %s", crashRows[0])
	}
	for _, m := range regexp.MustCompile(`href="([^"#][^"]*)"`).FindAllStringSubmatch(dom, -1) {
		target := filepath.Join(out, filepath.FromSlash(m[1]))
		if _, err := os.Stat(target); err != nil {
			t.Errorf("link %s does not resolve: %v", m[1], err)
			continue
		}
		if strings.HasSuffix(m[1], ".md") {
			if page := chromium(t, browser, "--dump-dom", "file://"+target); !strings.Contains(page, "index out of range") {
				t.Errorf("the browser shows %s without the crash title:\n%.500s", m[1], page)
			}
		}
	}
	shot := filepath.Join(t.ArtifactDir(), "report.png")
	chromium(t, browser, "--window-size=1280,1600", "--screenshot="+shot, "file://"+filepath.Join(out, "index.html"))
	if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
		t.Fatalf("no screenshot: %v", err)
	}
}

// findChromium returns the browser, failing under CI (where .ci/run
// installs it) and skipping elsewhere when it is missing.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium on PATH (apt-get install chromium)")
	return ""
}

// chromium runs the headless browser with the flags this closed network
// needs and returns its standard output.
func chromium(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

func unpackTxtar(t *testing.T, archive, dir string) {
	t.Helper()
	a, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
