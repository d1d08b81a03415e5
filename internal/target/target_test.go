package target

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiscover(t *testing.T) {
	got, err := Discover("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Name: "FuzzRoot", ImportPath: "example.com/toy", Dir: ".", Format: "", Set: SetSuite},
		{Name: "Fuzz", ImportPath: "example.com/toy/a", Dir: "a", Format: "", Set: SetSuite},
		{Name: "FuzzDirective", ImportPath: "example.com/toy/a", Dir: "a", Format: "ntp", Set: SetSuite},
		{Name: "FuzzSeeded", ImportPath: "example.com/toy/a", Dir: "a", Format: "dns-wire", Set: SetSuite},
		{Name: "FuzzLocalSeed", ImportPath: "example.com/toy/b/c", Dir: "b/c", Format: "dhcpv4", Set: SetSuite},
		{Name: "FuzzBaseline", ImportPath: "example.com/toy/bench/base", Dir: "bench/base", Format: "", Set: SetBench},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}
}

func TestClassifyFuzzDir(t *testing.T) {
	// With a fuzz/ directory, the suite is under it (daemonfuzz's layout).
	ts := []Target{{Name: "FuzzA", Dir: "."}, {Name: "FuzzB", Dir: "internal/p"}, {Name: "FuzzC", Dir: "bench/x"}, {Name: "FuzzD", Dir: "fuzz/dns"}, {Name: "FuzzE", Dir: "fuzzy"}}
	classify(ts)
	var got []string
	for _, t := range ts {
		got = append(got, t.Set)
	}
	if diff := cmp.Diff([]string{SetTool, SetTool, SetBench, SetSuite, SetTool}, got); diff != "" {
		t.Errorf("sets (-want +got):\n%s", diff)
	}
}

func TestDiscoverNotAModule(t *testing.T) {
	_, err := Discover(t.TempDir())
	var me *ModuleError
	if !errors.As(err, &me) {
		t.Fatalf("Discover(empty dir) = %v, want *ModuleError", err)
	}
}

func ids(ts []Target) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.ID())
	}
	return s
}

func TestSelect(t *testing.T) {
	all, err := Discover("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	suite := []string{".:FuzzRoot", "a:Fuzz", "a:FuzzDirective", "a:FuzzSeeded", "b/c:FuzzLocalSeed"}
	for _, tc := range []struct {
		patterns []string
		all      bool
		want     []string
	}{
		{nil, false, suite},
		{nil, true, ids(all)},
		{[]string{"Seeded"}, false, []string{"a:FuzzSeeded"}},
		{[]string{"a:FuzzSeeded"}, false, []string{"a:FuzzSeeded"}},
		{[]string{"^a:FuzzSeeded$"}, false, []string{"a:FuzzSeeded"}},
		// A regexp over the ID: a part of the package directory, or a
		// regexp in it, selects (issue 14: "dhcp:FuzzLabel$" and
		// "fuzz/.*:FuzzLabel" matched nothing).
		{[]string{"c:FuzzLocalSeed$"}, false, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"b/.*:FuzzLocal"}, false, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"./b/c:"}, false, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"^a:"}, false, []string{"a:Fuzz", "a:FuzzDirective", "a:FuzzSeeded"}},
		{[]string{"Local.*$"}, false, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"Root", "LocalSeed", "Root"}, false, []string{".:FuzzRoot", "b/c:FuzzLocalSeed"}},
		// Outside the suite only when named: a pattern that matches no
		// suite target selects among the others.
		{[]string{"bench/"}, false, []string{"bench/base:FuzzBaseline"}},
		{[]string{"FuzzBaseline"}, false, []string{"bench/base:FuzzBaseline"}},
		{[]string{"Fuzz"}, false, suite},
		{[]string{"Fuzz"}, true, ids(all)},
	} {
		got, err := Select(all, tc.patterns, tc.all)
		if err != nil {
			t.Errorf("Select(%q, %v): %v", tc.patterns, tc.all, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
			t.Errorf("Select(%q, %v) (-want +got):\n%s", tc.patterns, tc.all, diff)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	all, err := Discover("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pattern string
		nearest []string // nil: a *PatternError
	}{
		{"FuzzSeded", []string{"a:FuzzSeeded"}},
		{"b/d:", []string{"b/c:"}},
		{"bench/bass:FuzzBaseline", []string{"bench/base:FuzzBaseline"}},
		{"b/x/", []string{"b/c:"}},
		{"a:(", nil},
		{"[", nil},
	} {
		_, err := Select(all, []string{tc.pattern}, false)
		var nm *NoMatchError
		var pe *PatternError
		switch {
		case tc.nearest == nil:
			if !errors.As(err, &pe) {
				t.Errorf("Select(%q) = %v, want a *PatternError", tc.pattern, err)
			}
		case !errors.As(err, &nm):
			t.Errorf("Select(%q) = %v, want a *NoMatchError", tc.pattern, err)
		case nm.Nearest[0] != tc.nearest[0]:
			t.Errorf("Select(%q): nearest %q, want %q first", tc.pattern, nm.Nearest, tc.nearest[0])
		case !strings.Contains(err.Error(), tc.nearest[0]):
			t.Errorf("Select(%q): message %q does not name %q", tc.pattern, err, tc.nearest[0])
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"FuzzWire", "FuzzWier", 2}, {"héllo", "hello", 1},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// A nested module without a corpus of its own, in a module with one, is part
// of the suite (fuzz/coredns): listed with Module set and Dir relative to
// the root, its sets classified within it; one with its own corpus, or any
// nested module of a module without a corpus, is skipped as go does.
func TestDiscoverNestedSuite(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fuzzTest := func(pkg, name string) string {
		return "package " + pkg + "\n\nimport \"testing\"\n\nfunc " + name + "(f *testing.F) {}\n"
	}
	write("go.mod", "module example.com/suite\n")
	write("corpus/x/seed", "x")
	write("fuzz/a/a_test.go", fuzzTest("a", "FuzzA"))
	write("fuzz/daemon/go.mod", "module example.com/suite/fuzz/daemon\n")
	write("fuzz/daemon/d_test.go", fuzzTest("daemon", "FuzzDaemon"))
	write("fuzz/daemon/bench/up/up_test.go", fuzzTest("up", "FuzzUpstream"))
	write("fuzz/own/go.mod", "module example.com/own\n")
	write("fuzz/own/corpus/x/seed", "x")
	write("fuzz/own/o_test.go", fuzzTest("own", "FuzzOwn"))

	got, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Name: "FuzzA", ImportPath: "example.com/suite/fuzz/a", Dir: "fuzz/a", Set: SetSuite},
		{Name: "FuzzDaemon", ImportPath: "example.com/suite/fuzz/daemon", Dir: "fuzz/daemon", Set: SetSuite, Module: "fuzz/daemon"},
		{Name: "FuzzUpstream", ImportPath: "example.com/suite/fuzz/daemon/bench/up", Dir: "fuzz/daemon/bench/up", Set: SetBench, Module: "fuzz/daemon"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}
	d := got[1]
	if d.PackageArg() != "." || d.ModuleDir(root) != filepath.Join(root, "fuzz", "daemon") || d.GoCommand() != "go -C fuzz/daemon" {
		t.Errorf("nested target's go invocation: %q in %q (%q)", d.PackageArg(), d.ModuleDir(root), d.GoCommand())
	}
	if up := got[2]; up.PackageArg() != "./bench/up" {
		t.Errorf("nested bench PackageArg = %q, want ./bench/up", up.PackageArg())
	}
}
