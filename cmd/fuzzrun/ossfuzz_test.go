package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/ossfuzz"
)

// repoRoot is the daemonfuzz module, two levels up from this package.
const repoRoot = "../.."

// TestOSSFuzzFilesUpToDate regenerates the OSS-Fuzz and ClusterFuzzLite
// files from the targets discovered now, in a temporary directory, and
// compares them with the checked-in ones: adding, removing or renaming a
// target without running 'fuzzrun oss-fuzz' fails here.
func TestOSSFuzzFilesUpToDate(t *testing.T) {
	c := &ossFuzzCmd{}
	root, p, fuzzers, skipped, err := c.load(&CLI{Dir: repoRoot})
	if err != nil {
		t.Fatal(err)
	}
	if err := ossfuzz.ReadMaintainers(root, &p); err != nil {
		t.Fatal(err)
	}
	files, err := ossfuzz.Files(p, fuzzers, skipped)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if _, err := ossfuzz.Write(tmp, files); err != nil {
		t.Fatal(err)
	}
	for rel := range files {
		fresh, err := os.ReadFile(filepath.Join(tmp, rel))
		if err != nil {
			t.Fatal(err)
		}
		old, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil || !bytes.Equal(old, fresh) {
			t.Errorf("%s is out of date with the %d targets (%v); run 'go run ./cmd/fuzzrun oss-fuzz' and commit it", rel, len(fuzzers), err)
		}
	}
}

// TestOSSFuzzPrepareBuildable checks that every target build.sh builds
// passes compile_native_go_fuzzer's text search once -prepare has run, by
// running Prepare on a copy of each fuzz package.
func TestOSSFuzzPrepareBuildable(t *testing.T) {
	_, _, fuzzers, _, err := (&ossFuzzCmd{}).load(&CLI{Dir: repoRoot})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fuzzers {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(f.Dir)); err != nil {
			t.Fatal(err)
		}
		f.Dir = dir
		if _, err := ossfuzz.Prepare(f, true); err != nil {
			t.Fatal(err)
		}
		// After the rewrite, exactly one file names the function.
		n := 0
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(f.Func)) {
					n++
				}
			}
			return err
		})
		if n != 1 {
			t.Errorf("%s: %d files name %s after Prepare, want 1", f.Name, n, f.Func)
		}
	}
}

func TestOSSFuzzConvert(t *testing.T) {
	dir := t.TempDir()
	payload := []byte("\x00\x01 a DHCP-ish packet")
	gofile := filepath.Join(dir, "seed")
	if err := os.WriteFile(gofile, corpusfile.Encode(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	enc := filepath.Join(dir, "testcase")
	run := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := (&CLI{Stdout: &out, Stderr: &errb, Dir: repoRoot}).Main(context.Background(), args)
		return out.String() + errb.String(), code
	}
	if out, code := run("oss-fuzz", "-to-libfuzzer", gofile, "-o", enc); code != 0 {
		t.Fatalf("-to-libfuzzer: exit %d: %s", code, out)
	}
	out, code := run("oss-fuzz", "-to-go", enc)
	if code != 0 {
		t.Fatalf("-to-go: exit %d: %s", code, out)
	}
	if got, err := corpusfile.Decode([]byte(out)); err != nil || !bytes.Equal(got, payload) {
		t.Errorf("round trip gave %q, %v; want %q", got, err, payload)
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte{0, 0, 1}, 0o644)
	if out, code := run("oss-fuzz", "-to-go", short); code != exitError || !strings.Contains(out, "never reaches the target") {
		t.Errorf("a 3-byte test case: exit %d, %s", code, out)
	}
	if out, code := run("oss-fuzz", "-check", "-seeds", dir); code != exitUsage {
		t.Errorf("-check with -seeds: exit %d, %s; want a usage error", code, out)
	}
}

// -primary-contact and -auto-ccs override project.yaml's maintainers (which
// regeneration then keeps), and anything but an email address is refused
// before it reaches the YAML.
func TestOSSFuzzMaintainerFlags(t *testing.T) {
	p := ossfuzz.Project{PrimaryContact: "old@example.org", AutoCCs: []string{"cc@example.org"}}
	if err := (&ossFuzzCmd{}).setMaintainers(&p); err != nil || p.PrimaryContact != "old@example.org" || len(p.AutoCCs) != 1 {
		t.Fatalf("no flags changed the maintainers: %+v, %v", p, err)
	}
	c := &ossFuzzCmd{contact: "fuzz@example.org", autoCCs: "a@example.org, b@example.org"}
	if err := c.setMaintainers(&p); err != nil {
		t.Fatal(err)
	}
	if p.PrimaryContact != "fuzz@example.org" || strings.Join(p.AutoCCs, " ") != "a@example.org b@example.org" {
		t.Errorf("maintainers after the flags: %+v", p)
	}
	for _, bad := range []string{`x" # injected`, "not-an-address", "a@b"} {
		if err := (&ossFuzzCmd{contact: bad}).setMaintainers(&ossfuzz.Project{}); err == nil {
			t.Errorf("-primary-contact %q accepted", bad)
		}
	}
}
