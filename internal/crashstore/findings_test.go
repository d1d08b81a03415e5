package crashstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindingsNameTheirCrashes(t *testing.T) {
	s := testStore(t)
	e, _, err := s.Record(obs("ii", indexOut105, 4))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(s.ModuleRoot, FindingsDir, "svcb-index")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fj := `{"id": "svcb-index", "title": "SVCB index out of range", "library": "github.com/miekg/dns", "version": "v1.1.73",
		"kind": "panic", "severity": "medium", "status": "reported", "link": "https://example.com/1",
		"signatures": ["` + e.Crash.ID + `", "0123456789ab"], "targets": ["parse:FuzzParse"]}`
	if err := os.WriteFile(filepath.Join(dir, FindingFile), []byte(fj), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(e.Path)
	if err != nil {
		t.Fatal(err)
	}
	f := got.Crash.Finding
	if f == nil || f.ID != "svcb-index" || f.Status != "reported" || f.Path != "findings/svcb-index" || f.Title != "SVCB index out of range" {
		t.Fatalf("report.json finding = %+v", f)
	}
	md, _ := os.ReadFile(e.File(MarkdownFile))
	if !strings.Contains(string(md), "svcb-index") {
		t.Errorf("report.md does not name the finding:\n%s", md)
	}
	// A broken finding.json is an error naming the file.
	os.WriteFile(filepath.Join(dir, FindingFile), []byte("{"), 0o644)
	if _, err := LoadFindings(s.ModuleRoot); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, FindingFile)) {
		t.Errorf("bad finding.json: %v", err)
	}
}

// Stacks are stored module-relative; an unconfirmed hang is refused.
func TestRecordRelativeStackAndUnconfirmed(t *testing.T) {
	s := testStore(t)
	out := strings.ReplaceAll(indexOut105, "/tmp/toy/", s.ModuleRoot+"/")
	e, _, err := s.Record(obs("ii", out, 1))
	if err != nil {
		t.Fatal(err)
	}
	if f := e.Crash.Stack[0].File; f != "parse/parse.go" {
		t.Errorf("stored stack path %q, want parse/parse.go", f)
	}
	o := obs("hh", "", 2)
	o.Kind, o.Unconfirmed = "hang", true
	if _, _, err := s.Record(o); !errors.Is(err, ErrUnconfirmed) {
		t.Errorf("unconfirmed hang: %v", err)
	}
	// A seed that failed without Go writing it is stored without a
	// reproducer, and a later sighting with its bytes gives it one; a
	// sighting without bytes never replaces a reproducer.
	s = testStore(t)
	o = obs("", indexOut105, 2)
	o.Input, o.NoInput = nil, true
	ne, _, err := s.Record(o)
	if err != nil || !ne.Crash.NoReproducer {
		t.Fatalf("failure without an input: %v", err)
	}
	o = obs("seed bytes", indexOut105, 3)
	if ne, _, err = s.Record(o); err != nil || ne.Crash.NoReproducer || ne.Crash.Input.Size != len(o.Input) {
		t.Fatalf("the input found later: %v, NoReproducer=%v", err, err == nil && ne.Crash.NoReproducer)
	}
	o.Input, o.NoInput = nil, true
	if ne, _, err = s.Record(o); err != nil || ne.Crash.NoReproducer || ne.Crash.Input.Size == 0 {
		t.Fatalf("a sighting without bytes replaced the reproducer: %v", err)
	}
}
