package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepoWorkflows checks every workflow of the repository.
func TestRepoWorkflows(t *testing.T) {
	files, err := filepath.Glob("../../.github/workflows/*.y*ml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no workflows under .github/workflows")
	}
	pins := Pins{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range Check(filepath.Base(f), data, pins) {
			t.Error(p)
		}
	}
	for _, msg := range pins.Consistent() {
		t.Error(msg)
	}
	if len(pins) == 0 {
		t.Error("no pinned actions found: the checker saw no uses: at all")
	}
}

const good = `
on: [push]
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      issues: write # files crash reports
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0
      - env:
          REF: ${{ github.head_ref }}
        run: bash scripts/ci/check.sh
`

func TestCheckAcceptsHardenedWorkflow(t *testing.T) {
	if ps := Check("good.yml", []byte(good), Pins{}); len(ps) != 0 {
		t.Errorf("problems in a hardened workflow: %v", ps)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		{"tag instead of SHA", "checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8", "checkout@v5", "not pinned"},
		{"short SHA", "checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8", "checkout@08c6903", "not pinned"},
		{"no version comment", " # v5.0.0", "", "no `# vX.Y.Z` comment"},
		{"write-all at the top", "permissions:\n  contents: read\njobs", "permissions: write-all\njobs", "top-level permissions"},
		{"write at the top", "permissions:\n  contents: read\njobs", "permissions:\n  contents: write\njobs", "top-level permissions"},
		{"no top-level permissions", "permissions:\n  contents: read\njobs", "jobs", "top-level permissions"},
		{"unexplained write", "issues: write # files crash reports", "issues: write", "needs a comment"},
		{"expression in run", `run: bash scripts/ci/check.sh`, `run: echo "${{ github.head_ref }}"`, "interpolates"},
		{"commands in run", `run: bash scripts/ci/check.sh`, `run: go vet ./...`, "is not one `bash scripts/"},
		{"two scripts in run", `run: bash scripts/ci/check.sh`, "run: |\n          bash scripts/ci/check.sh\n          bash scripts/ci/other.sh", "is not one `bash scripts/"},
		{"other action", "uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830", "uses: golangci/golangci-lint-action@4afd733a84b1f43292c63897423277bb7f4313a9", "not a checkout, toolchain"},
		{"pull_request_target", "on: [push]", "on: [pull_request_target]", "pull_request_target"},
	} {
		src := strings.Replace(good, tc.old, tc.new, 1)
		if src == good {
			t.Fatalf("%s: the replacement did not apply", tc.name)
		}
		ps := Check("bad.yml", []byte(src), Pins{})
		found := false
		for _, p := range ps {
			found = found || strings.Contains(p.Msg, tc.want)
		}
		if !found {
			t.Errorf("%s: problems %v, want one mentioning %q", tc.name, ps, tc.want)
		}
	}
}

func TestPinsConsistent(t *testing.T) {
	pins := Pins{}
	Check("a.yml", []byte(good), pins)
	other := strings.Replace(good, "08c6903cd8c0fde910a37f88322edcfb5dd907a8", "11bd71901bbe5b1630ceea73d27597364c9af683", 1)
	Check("b.yml", []byte(other), pins)
	if c := pins.Consistent(); len(c) != 1 || !strings.Contains(c[0], "actions/checkout") {
		t.Errorf("two SHAs of actions/checkout: %v", c)
	}
}
