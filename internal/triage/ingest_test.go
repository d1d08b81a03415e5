package triage

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// TestResolveAmbiguousNameFromLog: two packages have FuzzDifferential, and
// go test's log of a failing run ends "FAIL\nFAIL\t<pkg>\t<time>\n"; the
// bare FAIL line must not hide the package line after it.
func TestResolveAmbiguousNameFromLog(t *testing.T) {
	tr := &Triager{Targets: []target.Target{
		{Name: "FuzzDifferential", ImportPath: "example.com/m/fuzz/ntp", Dir: "fuzz/ntp"},
		{Name: "FuzzDifferential", ImportPath: "example.com/m/fuzz/dns", Dir: "fuzz/dns"},
	}}
	log := "--- FAIL: FuzzDifferential (0.10s)\n" +
		"    --- FAIL: FuzzDifferential/x (0.00s)\n" +
		"        fuzz_test.go:36: oracle differential violated at v2.Accept\n" +
		"FAIL\n" +
		"FAIL\texample.com/m/fuzz/dns\t0.136s\n" +
		"FAIL\n"
	got, err := tr.resolve("FuzzDifferential", []byte(log), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got.Dir != "fuzz/dns" {
		t.Fatalf("resolve = %s, want fuzz/dns:FuzzDifferential", got.ID())
	}
	if _, err := tr.resolve("FuzzDifferential", []byte("FAIL\nFAIL\n"), "x"); err == nil {
		t.Fatal("resolve without a package line picked a target")
	}
}
