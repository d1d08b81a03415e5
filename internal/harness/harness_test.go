package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeF records what Seed does to a fuzz test.
type fakeF struct {
	added  int
	failed string
}

func (f *fakeF) Helper()         {}
func (f *fakeF) Add(args ...any) { f.added++ }
func (f *fakeF) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

// module makes dir a module root with a corpus/ directory and runs the
// test from it, as go test runs a package's tests from the package dir.
func module(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "corpus"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

func TestSeedFailsNamingAMissingCorpusDir(t *testing.T) {
	dir := module(t)
	f := &fakeF{}
	Seed(f, "dns-wire", []byte("handmade"))
	want := filepath.Join(dir, "corpus", "dns-wire")
	if !strings.Contains(f.failed, want) {
		t.Fatalf("Seed failure = %q, want it to name %s", f.failed, want)
	}
}

func TestSeedFailsNamingAnUnreadableSeed(t *testing.T) {
	dir := module(t)
	wire := filepath.Join(dir, "corpus", "dns-wire")
	if err := os.MkdirAll(wire, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wire, "0000000000000001"), []byte{0}, 0o644); err != nil {
		t.Fatal(err)
	}
	// A dangling symlink cannot be read even by root, unlike a 0o000 file.
	bad := filepath.Join(wire, "0000000000000002")
	if err := os.Symlink(filepath.Join(dir, "gone"), bad); err != nil {
		t.Fatal(err)
	}
	f := &fakeF{}
	Seed(f, "dns-wire")
	if !strings.Contains(f.failed, bad) {
		t.Fatalf("Seed failure = %q, want it to name %s", f.failed, bad)
	}
}

func TestSeedFailsOnAnEmptyCorpusDir(t *testing.T) {
	dir := module(t)
	zone := filepath.Join(dir, "corpus", "dns-zone")
	if err := os.MkdirAll(zone, 0o755); err != nil {
		t.Fatal(err)
	}
	f := &fakeF{}
	Seed(f, "dns-zone")
	if !strings.Contains(f.failed, zone) || !strings.Contains(f.failed, "no seeds") {
		t.Fatalf("Seed failure = %q, want it to name %s and say it holds no seeds", f.failed, zone)
	}
}

func TestSeedAddsHandmadeAndCorpusSeeds(t *testing.T) {
	dir := module(t)
	wire := filepath.Join(dir, "corpus", "dns-wire")
	if err := os.MkdirAll(wire, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := os.WriteFile(filepath.Join(wire, fmt.Sprintf("%016x", i)), []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &fakeF{}
	Seed(f, "dns-wire", []byte("a"), []byte("b"))
	if f.failed != "" || f.added != 5 {
		t.Fatalf("Seed added %d seeds (failure %q), want 2 handmade + 3 from the corpus", f.added, f.failed)
	}
}
