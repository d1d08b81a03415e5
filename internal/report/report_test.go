package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

func sample() []*Crash {
	seen := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	return []*Crash{{
		SchemaVersion: SchemaVersion, ID: "2ba6651eee3b", Target: "FuzzWire", Dir: "fuzz/dns",
		Package: "github.com/daemonfuzz/daemonfuzz/fuzz/dns",
		Title:   "dns: index out of range in unpackDataSVCB", Kind: "panic", Status: StatusOpen,
		Message: "runtime error: index out of range", RawMessage: "runtime error: index out of range [7] with length 3",
		Signature: "panic: runtime error: index out of range\ngithub.com/miekg/dns.unpackDataSVCB\n",
		Stack: []signature.StackFrame{
			{Func: "github.com/miekg/dns.unpackDataSVCB", File: "/root/go/pkg/mod/github.com/miekg/dns@v1.1.73/svcb.go", Line: 120},
			{Func: "github.com/daemonfuzz/daemonfuzz/fuzz/dns.Wire", File: "/src/daemonfuzz/fuzz/dns/wire.go", Line: 15},
		},
		FirstSeen: seen, LastSeen: seen, Count: 3, Input: File{Name: "input", Size: 3}, Minimized: true,
		Deps: []Module{{Path: "github.com/miekg/dns", Version: "v1.1.73"}},
	}, {
		SchemaVersion: SchemaVersion, ID: "0123456789ab", Target: "FuzzParse", Dir: "parse",
		Title: "parse: hang in spin", Kind: "hang", Status: StatusFixed, Count: 1,
		Signature: "hang\n", FirstSeen: seen, LastSeen: seen,
	}}
}

func TestJSONRoundTrip(t *testing.T) {
	data, err := JSONList(sample())
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseList(data)
	if err != nil || len(back) != 2 || back[0].ID != "2ba6651eee3b" || back[0].Stack[0].Line != 120 {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	again, _ := JSONList(back)
	if !bytes.Equal(data, again) {
		t.Error("JSON is not stable across a round trip")
	}
	if _, err := ParseList([]byte(`{"schema_version": 99, "crashes": []}`)); err == nil {
		t.Error("a newer schema was accepted")
	}
}

func TestSARIF(t *testing.T) {
	data, err := SARIF(sample(), "/src/daemonfuzz")
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine int }
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("%s", data)
	}
	r := log.Runs[0]
	// The fixed crash is left out; the open one is located at the first
	// frame inside the module, repository-relative.
	if len(r.Results) != 1 || len(r.Tool.Driver.Rules) != 1 || r.Results[0].RuleID != "2ba6651eee3b" {
		t.Fatalf("results %+v", r)
	}
	loc := r.Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "fuzz/dns/wire.go" || loc.Region.StartLine != 15 {
		t.Errorf("location %+v", loc)
	}
	if r.Results[0].PartialFingerprints["fuzzrunSignature/v1"] != "2ba6651eee3b" {
		t.Errorf("fingerprints %v", r.Results[0].PartialFingerprints)
	}
}

func TestText(t *testing.T) {
	var b strings.Builder
	if err := Text(&b, sample()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"2ba6651eee3b  fuzz/dns:FuzzWire", "open", "dns: index out of range in unpackDataSVCB", "0123456789ab", "fixed"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestMarkdown(t *testing.T) {
	c := sample()[0]
	md := string(Markdown(c, []byte{0x00, 0x01, 'A'}))
	for _, want := range []string{
		"# dns: index out of range in unpackDataSVCB",
		"```sh\ngo run github.com/daemonfuzz/daemonfuzz/cmd/fuzzrun triage -v fuzz-dns.FuzzWire/2ba6651eee3b\n```",
		"mkdir -p fuzz/dns/testdata/fuzz/FuzzWire && printf '%s\\n' 'go test fuzz v1\n[]byte(\"\\x00\\x01A\")' > fuzz/dns/testdata/fuzz/FuzzWire/2ba6651eee3b\n" + StrictEnv + " go test -count=1 -run='^FuzzWire$/^2ba6651eee3b$' ./fuzz/dns",
		"00000000  00 01 41",
		"go test fuzz v1\n[]byte(\"\\x00\\x01A\")",
		"github.com/miekg/dns@v1.1.73/svcb.go:120",
		"| github.com/miekg/dns | v1.1.73 |",
		"| Count | 3 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	hang := sample()[1]
	if _, gotest := hang.ReproCommands(nil); !strings.Contains(gotest, "-timeout="+HangTimeout) {
		t.Errorf("hang repro %q lacks a timeout", gotest)
	}
}

// Control bytes and NUL in a message never reach a rendering raw.
func TestCleanEveryRendering(t *testing.T) {
	c := sample()[0]
	c.Title = "dns: bad \x1b[31mname\x00"
	c.RawMessage = "oracle x violated at F: \"a\x00\xff\u202e\"\nnext"
	md := string(Markdown(c, []byte{0}))
	var text strings.Builder
	if err := Text(&text, []*Crash{c}); err != nil {
		t.Fatal(err)
	}
	sarif, err := SARIF([]*Crash{c}, "/m")
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"md": md, "text": text.String(), "sarif": string(sarif)} {
		for _, bad := range []string{"\x1b", "\x00", "\xff", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s rendering holds raw %q", name, bad)
			}
		}
	}
	if !strings.Contains(md, `\x1b[31mname\x00`) || !strings.Contains(md, `a\x00\xff\u202e`) {
		t.Errorf("md does not show the escaped bytes:\n%s", md)
	}
}

// SARIF locates a module-relative stack on any checkout.
func TestSARIFRelativeStack(t *testing.T) {
	c := sample()[0]
	c.Stack = []signature.StackFrame{
		{Func: "github.com/miekg/dns.unpack", File: "github.com/miekg/dns@v1.1.73/msg.go", Line: 9},
		{Func: "sort.Sort", File: "$GOROOT/src/sort/sort.go", Line: 3},
		{Func: "github.com/daemonfuzz/daemonfuzz/fuzz/dns.Wire", File: "fuzz/dns/wire.go", Line: 42},
	}
	data, err := SARIF([]*Crash{c}, "/some/other/checkout")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"uri": "fuzz/dns/wire.go"`) || !strings.Contains(string(data), `"startLine": 42`) {
		t.Errorf("no region for the in-repo frame:\n%s", data)
	}
}

// An oracle violation, without a stack, is located at its t.Fatal line.
func TestSARIFOracleLine(t *testing.T) {
	c := sample()[0]
	c.Stack, c.Kind = nil, "oracle"
	c.RawMessage = "fuzz_test.go:16: oracle text violated at RR.NSEC3PARAM.SaltLength: 0x3 != 0x4"
	data, err := SARIF([]*Crash{c}, "/anywhere")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"uri": "fuzz/dns/fuzz_test.go"`) || !strings.Contains(string(data), `"startLine": 16`) {
		t.Errorf("oracle result not at its t.Fatal line:\n%s", data)
	}
}

// The table's * is a to-do 'fuzzrun minimize -all' does; an entry it
// cannot minimise (its input fails as another signature, or passes) is
// marked apart and the footnote says why.
func TestTextMinimisedMarks(t *testing.T) {
	todo, dup := sample()[0], sample()[0]
	todo.Minimized, todo.ID = false, "111111111111"
	dup.Minimized, dup.ID, dup.Status, dup.DuplicateOf = false, "222222222222", StatusDuplicate, "111111111111"
	var b strings.Builder
	if err := Text(&b, []*Crash{todo, dup}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"3*", "3~",
		"* not yet minimised ('fuzzrun minimize -all')",
		"~ not minimised, and cannot be",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	Text(&b, []*Crash{dup})
	if strings.Contains(b.String(), "minimize -all") {
		t.Errorf("a duplicate alone is sent to 'minimize -all', which skips it:\n%s", b.String())
	}
}

// A report whose status is not open says what its reproduction commands
// do instead of failing as its signature.
func TestMarkdownStatusNotes(t *testing.T) {
	c := sample()[0]
	c.Minimized = false
	c.Status, c.DuplicateOf = StatusDuplicate, "8fe62a80a6e2"
	c.Triage = &Triage{Attempts: 1, Other: []string{"8fe62a80a6e2"}}
	md := string(Markdown(c, []byte("x")))
	for _, want := range []string{
		"the latest triage replay fails as `8fe62a80a6e2` (crashers/fuzz-dns.FuzzWire/8fe62a80a6e2)",
		"The commands below reproduce that crash, not this one.",
		"not minimised, and cannot be: it fails as 8fe62a80a6e2 now",
		"Failed as 8fe62a80a6e2 instead.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("duplicate's report.md lacks %q:\n%s", want, md)
		}
	}
	c.Status, c.DuplicateOf = StatusStale, ""
	c.Triage = &Triage{Attempts: 3, Harness: "2ccb940e749e"}
	md = string(Markdown(c, []byte("x")))
	for _, want := range []string{
		"the bug is not fixed",
		"the commands below pass. The bug needs a new reproducer.",
		"as of commit 2ccb940e749e",
		"not minimised, and cannot be: it passes with today's harness",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("stale report.md lacks %q:\n%s", want, md)
		}
	}
	c.Status, c.Triage, c.FixedIn = StatusFixed, &Triage{Attempts: 3}, c.Deps
	if md = string(Markdown(c, []byte("x"))); !strings.Contains(md, "No dependency changed since it was recorded") {
		t.Errorf("fixed with the recorded deps: report.md does not say the target's code changed:\n%s", md)
	}
	c.FixedIn = []Module{{Path: "github.com/miekg/dns", Version: "v1.1.74"}}
	if md = string(Markdown(c, []byte("x"))); strings.Contains(md, "No dependency changed") {
		t.Errorf("fixed by an upgrade: report.md says no dependency changed:\n%s", md)
	}
	c.Status, c.Triage = StatusOpen, nil
	if md = string(Markdown(c, []byte("x"))); strings.Contains(md, "commands below") || !strings.Contains(md, "not yet minimised ('fuzzrun minimize -all')") {
		t.Errorf("open report.md:\n%s", md)
	}
}
