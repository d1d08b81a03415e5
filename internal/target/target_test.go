package target

import (
	"errors"
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
		{Name: "FuzzRoot", ImportPath: "example.com/toy", Dir: ".", Format: ""},
		{Name: "Fuzz", ImportPath: "example.com/toy/a", Dir: "a", Format: ""},
		{Name: "FuzzDirective", ImportPath: "example.com/toy/a", Dir: "a", Format: "ntp"},
		{Name: "FuzzSeeded", ImportPath: "example.com/toy/a", Dir: "a", Format: "dns-wire"},
		{Name: "FuzzLocalSeed", ImportPath: "example.com/toy/b/c", Dir: "b/c", Format: "dhcpv4"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}
}

func TestDiscoverNotAModule(t *testing.T) {
	_, err := Discover(t.TempDir())
	var me *ModuleError
	if !errors.As(err, &me) {
		t.Fatalf("Discover(empty dir) = %v, want *ModuleError", err)
	}
}

func TestMatch(t *testing.T) {
	all, err := Discover("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ts []Target) []string {
		var s []string
		for _, t := range ts {
			s = append(s, t.ID())
		}
		return s
	}
	for _, tc := range []struct {
		patterns []string
		want     []string
	}{
		{nil, ids(all)},
		{[]string{"Seeded"}, []string{"a:FuzzSeeded"}},
		{[]string{"a:FuzzSeeded"}, []string{"a:FuzzSeeded"}},
		{[]string{"./a:Fuzz"}, []string{"a:Fuzz"}},
		{[]string{"a:Fuzz.*"}, []string{"a:Fuzz", "a:FuzzDirective", "a:FuzzSeeded"}},
		{[]string{"b/c:"}, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"Local.*$"}, []string{"b/c:FuzzLocalSeed"}},
		{[]string{"Root", "LocalSeed", "Root"}, []string{".:FuzzRoot", "b/c:FuzzLocalSeed"}},
	} {
		got, err := Match(all, tc.patterns)
		if err != nil {
			t.Errorf("Match(%q): %v", tc.patterns, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
			t.Errorf("Match(%q) (-want +got):\n%s", tc.patterns, diff)
		}
	}
}

func TestMatchUnknownListsNearest(t *testing.T) {
	all, err := Discover("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Match(all, []string{"FuzzSeded"})
	var nm *NoMatchError
	if !errors.As(err, &nm) {
		t.Fatalf("Match(typo) = %v, want *NoMatchError", err)
	}
	if len(nm.Nearest) == 0 || nm.Nearest[0] != "a:FuzzSeeded" {
		t.Errorf("nearest = %q, want a:FuzzSeeded first", nm.Nearest)
	}
	if !strings.Contains(err.Error(), "a:FuzzSeeded") {
		t.Errorf("message %q does not name the nearest target", err)
	}
	if _, err := Match(all, []string{"a:("}); err == nil || errors.As(err, &nm) {
		t.Errorf("Match(bad regexp) = %v, want a regexp error", err)
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
