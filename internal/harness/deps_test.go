package harness

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/modroot"
)

const modulePath = "github.com/daemonfuzz/daemonfuzz/"

// fuzzDeps are the only packages of this module the fuzz targets (fuzz/...,
// their tests, and so their go test -fuzz and libFuzzer builds) may link:
// the harness and the small packages under it. The runner's packages
// (crashstore, report, pcapimport, engine, run, workdir, ghissue,
// htmlreport, ...) must stay out: a target that links them slows every
// build and drags the runner's bugs into the fuzzed process. A new lower
// package goes here only if it imports nothing of the runner either.
var fuzzDeps = []string{
	"internal/atomicfile",
	"internal/corpus",
	"internal/corpusfile",
	"internal/harness",
	"internal/modroot",
	"internal/netns",
	"internal/signature",
}

// unexpectedDeps returns the packages of listing (go list output) that are
// of this module, outside fuzz/, and not in allowed.
func unexpectedDeps(listing string, allowed []string) []string {
	var out []string
	for _, p := range strings.Fields(listing) {
		rel, ok := strings.CutPrefix(p, modulePath)
		if !ok || strings.HasPrefix(rel, "fuzz/") || slices.Contains(allowed, rel) {
			continue
		}
		out = append(out, rel)
	}
	return out
}

func TestFuzzTargetsLinkNoRunnerPackage(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root, err := modroot.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "-test", "./fuzz/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -test ./fuzz/...: %v", err)
	}
	if !strings.Contains(string(out), modulePath+"internal/harness") {
		t.Fatalf("go list -deps -test ./fuzz/... does not list the harness; wrong module?\n%s", out)
	}
	if bad := unexpectedDeps(string(out), fuzzDeps); len(bad) > 0 {
		t.Errorf("the fuzz targets link %v; move the helper they need down into a lower package (see fuzzDeps)", bad)
	}
}

// The check fires on a runner package in the listing.
func TestUnexpectedDepsCanFail(t *testing.T) {
	listing := modulePath + "internal/harness\n" + modulePath + "fuzz/dns\n" + modulePath + "internal/crashstore\nfmt\n"
	if got := unexpectedDeps(listing, fuzzDeps); !slices.Equal(got, []string{"internal/crashstore"}) {
		t.Errorf("unexpectedDeps = %v, want [internal/crashstore]", got)
	}
}
