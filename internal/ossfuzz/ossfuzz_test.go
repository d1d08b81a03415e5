package ossfuzz

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

func TestFuzzersNames(t *testing.T) {
	got, err := Fuzzers("example.com/m", []Target{
		{Func: "FuzzWire", ImportPath: "example.com/m/fuzz/dns"},
		{Func: "FuzzV4", ImportPath: "example.com/m/fuzz/dhcp/v4"},
		{Func: "FuzzTop", ImportPath: "example.com/m"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
	}
	if want := "FuzzTop dhcp_v4_FuzzV4 dns_FuzzWire"; strings.Join(names, " ") != want {
		t.Errorf("names = %v, want %s", names, want)
	}
	if _, err := Fuzzers("m", []Target{{Func: "FuzzA", ImportPath: "m/a_b"}, {Func: "b_FuzzA", ImportPath: "m/a"}}); err == nil {
		t.Error("two targets named a_b_FuzzA: no error")
	}
	f, err := Lookup(got, "FuzzWire")
	if err != nil || f.Name != "dns_FuzzWire" {
		t.Errorf("Lookup by function = %v, %v", f.Name, err)
	}
	if _, err := Lookup(got, "FuzzNope"); err == nil || !strings.Contains(err.Error(), "dns_FuzzWire") {
		t.Errorf("Lookup of an unknown name: %v, want the known names listed", err)
	}
}

func TestMergeDicts(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "dns-wire.dict"), "# comment\nkw=\"A\"\n\n\"\\x00\\x01\"\n")
	write(t, filepath.Join(dir, "dns.dict"), "other=\"A\"\n\"MX\"\n")
	paths, err := DictPaths(dir, "dns-wire")
	if err != nil || len(paths) != 2 {
		t.Fatalf("DictPaths = %v, %v; want both dictionaries", paths, err)
	}
	got, err := MergeDicts(paths)
	if err != nil {
		t.Fatal(err)
	}
	want := "# from dns-wire.dict\nkw=\"A\"\n\"\\x00\\x01\"\n# from dns.dict\n\"MX\"\n"
	if string(got) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	for _, bad := range []string{`A`, `"unterminated`, `"\q"`, `"\x4"`, `"ends\"`} {
		write(t, filepath.Join(dir, "bad.dict"), bad+"\n")
		if _, err := MergeDicts([]string{filepath.Join(dir, "bad.dict")}); err == nil || !strings.Contains(err.Error(), "bad.dict:1") {
			t.Errorf("entry %s: error %v, want one naming bad.dict:1", bad, err)
		}
	}
	if d, err := MergeDicts(nil); d != nil || err != nil {
		t.Errorf("no dictionaries: %q, %v", d, err)
	}
}

func TestWriteSeeds(t *testing.T) {
	root := t.TempDir()
	corpusRoot := filepath.Join(root, "corpus")
	pkg := filepath.Join(root, "fuzz", "dns")
	raw := []byte("\x12\x34raw seed")
	if _, _, err := (corpus.Dir{Root: corpusRoot, Format: "dns-wire"}).Add(raw, corpus.Provenance{Kind: corpus.KindHandmade, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	regress := []byte("regression\x00")
	write(t, filepath.Join(pkg, "testdata", "fuzz", "FuzzWire", "abc"), string(corpusfile.Encode(regress)))
	write(t, filepath.Join(corpusRoot, "dns.dict"), "\"A\"\n")
	f := Fuzzer{Name: "dns_FuzzWire", Target: Target{Func: "FuzzWire", Dir: pkg, Format: "dns-wire"}}
	out := t.TempDir()
	if _, err := WriteSeeds(out, corpusRoot, []Fuzzer{f}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(out, "dns_FuzzWire_seed_corpus.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]bool{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := io.ReadAll(rc)
		rc.Close()
		arg, err := DecodeBytes(enc)
		if err != nil {
			t.Fatalf("zip entry %s does not decode: %v", zf.Name, err)
		}
		if zf.Name != corpus.Name(arg) {
			t.Errorf("zip entry %s holds a seed named %s", zf.Name, corpus.Name(arg))
		}
		got[string(arg)] = true
	}
	if len(got) != 2 || !got[string(raw)] || !got[string(regress)] {
		t.Errorf("zip holds %v, want the corpus seed and the regression", got)
	}
	opts, _ := os.ReadFile(filepath.Join(out, "dns_FuzzWire.options"))
	if !strings.Contains(string(opts), "dict = dns_FuzzWire.dict") {
		t.Errorf("options %q do not name the dictionary", opts)
	}
	// Same inputs, same zip: the build is reproducible.
	again := t.TempDir()
	if _, err := WriteSeeds(again, corpusRoot, []Fuzzer{f}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(out, "dns_FuzzWire_seed_corpus.zip"))
	b, _ := os.ReadFile(filepath.Join(again, "dns_FuzzWire_seed_corpus.zip"))
	if !bytes.Equal(a, b) {
		t.Error("two seed zips of the same corpus differ")
	}
	f.Format = "missing"
	if _, err := WriteSeeds(t.TempDir(), corpusRoot, []Fuzzer{f}); err == nil {
		t.Error("a fuzzer whose corpus directory is missing: no error")
	}
}

func TestFilesWriteStale(t *testing.T) {
	root := t.TempDir()
	p := Project{Name: "proj", Repo: "https://example.com/proj"}
	fz := []Fuzzer{{Name: "dns_FuzzWire", Target: Target{Func: "FuzzWire", ImportPath: "example.com/proj/fuzz/dns"}}}
	files, err := Files(p, fz, nil)
	if err != nil {
		t.Fatal(err)
	}
	build := string(files["oss-fuzz/projects/proj/build.sh"])
	if !strings.Contains(build, "\ncompile_native_go_fuzzer example.com/proj/fuzz/dns FuzzWire dns_FuzzWire\n") {
		t.Errorf("build.sh lacks the compile line:\n%s", build)
	}
	if !bytes.Equal(files[".clusterfuzzlite/build.sh"], files["oss-fuzz/projects/proj/build.sh"]) {
		t.Error("the ClusterFuzzLite and OSS-Fuzz build scripts differ")
	}
	if stale, _ := Stale(root, files); len(stale) != len(files) {
		t.Errorf("empty tree: %d stale, want %d", len(stale), len(files))
	}
	if _, err := Write(root, files); err != nil {
		t.Fatal(err)
	}
	if stale, _ := Stale(root, files); len(stale) != 0 {
		t.Errorf("after Write: stale %v", stale)
	}
	if st, _ := os.Stat(filepath.Join(root, ".clusterfuzzlite", "build.sh")); st.Mode()&0o111 == 0 {
		t.Error("build.sh is not executable")
	}
	fz = append(fz, Fuzzer{Name: "dns_FuzzRR", Target: Target{Func: "FuzzRR", ImportPath: "example.com/proj/fuzz/dns"}})
	files2, _ := Files(p, fz, []Unbuildable{{Name: "dns_FuzzX", Reason: "why"}})
	stale, _ := Stale(root, files2)
	if strings.Join(stale, " ") != ".clusterfuzzlite/build.sh oss-fuzz/projects/proj/build.sh" {
		t.Errorf("after adding a target, stale = %v", stale)
	}
	if !strings.Contains(string(files2[".clusterfuzzlite/build.sh"]), "\n# dns_FuzzX: why\n") {
		t.Errorf("build.sh does not name the skipped target:\n%s", files2[".clusterfuzzlite/build.sh"])
	}
	// A maintainer's contact survives regeneration.
	write(t, filepath.Join(root, "oss-fuzz/projects/proj/project.yaml"), "primary_contact: \"a@example.org\"\nauto_ccs:\n  - \"b@example.org\"\n")
	if err := ReadMaintainers(root, &p); err != nil {
		t.Fatal(err)
	}
	files3, _ := Files(p, fz, nil)
	y := string(files3["oss-fuzz/projects/proj/project.yaml"])
	if !strings.Contains(y, `primary_contact: "a@example.org"`) || !strings.Contains(y, `- "b@example.org"`) {
		t.Errorf("project.yaml lost the maintainers:\n%s", y)
	}
}

func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "fuzz_test.go"), "package p\n\nimport \"testing\"\n\nfunc FuzzX(f *testing.F) {}\n\nfunc FuzzXY(f *testing.F) {}\n")
	write(t, filepath.Join(dir, "p.go"), "package p\n")
	f := Fuzzer{Name: "p_FuzzXY", Target: Target{Func: "FuzzXY", Dir: dir}}
	if err := CheckBuildable(f); err != nil {
		t.Fatalf("a well-formed package: %v", err)
	}
	// A name in another file's comment and string is rewritten, value for value.
	other := "package p\n\n// see FuzzXY\nvar s = \"FuzzXY/1\" + `raw FuzzXY`\n"
	write(t, filepath.Join(dir, "p.go"), other)
	if files, err := Prepare(f, false); err != nil || len(files) != 1 {
		t.Fatalf("dry run: %v, %v; want p.go listed", files, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "p.go")); string(got) != other {
		t.Fatal("a dry run changed p.go")
	}
	if _, err := Prepare(f, true); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "p.go"))
	if strings.Contains(string(got), "FuzzXY") {
		t.Errorf("p.go still names FuzzXY:\n%s", got)
	}
	// FuzzX begins FuzzXY: its declaration is ambiguous to the text search.
	fx := Fuzzer{Name: "p_FuzzX", Target: Target{Func: "FuzzX", Dir: dir}}
	if err := CheckBuildable(fx); err == nil || !strings.Contains(err.Error(), "begins with FuzzX") {
		t.Errorf("prefix of another target: %v", err)
	}
	write(t, filepath.Join(dir, "p.go"), "package p\n\nvar FuzzXY = 1\n")
	if err := CheckBuildable(f); err == nil || !strings.Contains(err.Error(), "rename it") {
		t.Errorf("name used as an identifier: %v", err)
	}
	write(t, filepath.Join(dir, "p.go"), "package p\n")
	write(t, filepath.Join(dir, "fuzz_test.go"), "package p_test\n\nimport \"testing\"\n\nfunc FuzzXY(f *testing.F) {}\n")
	if err := CheckBuildable(f); err == nil || !strings.Contains(err.Error(), "external test package") {
		t.Errorf("external test package: %v", err)
	}
}

func TestUnspellKeepsValues(t *testing.T) {
	src := "package p\n\n/* FuzzAB and FuzzAB */\nconst a, b = \"x\\\\FuzzAB\\n\", `FuzzAB\n\"q\"`\n"
	out, n, err := Unspell([]byte(src), "FuzzAB")
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || strings.Contains(string(out), "FuzzAB") {
		t.Errorf("%d rewrites, result:\n%s", n, out)
	}
	a, _ := stringValues([]byte(src))
	b, _ := stringValues(out)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Errorf("values changed: %q → %q", a, b)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
