package curate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// TestMinimizeKeepsCoverageOfRealTarget is the proof `corpus minimize` owes:
// on fuzz/dns FuzzWire (miekg/dns) with the repository's corpus/dns-wire, the
// minimised corpus reaches exactly the statement coverage of the full one,
// measured again here from the files Minimize left on disk.
func TestMinimizeKeepsCoverageOfRealTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the DNS target")
	}
	ctx := context.Background()
	root, _ := filepath.Abs("../..")
	src := corpus.Dir{Root: filepath.Join(root, "corpus"), Format: "dns-wire"}
	orig, _, err := corpus.ReadEntries(src.Path(), false, "")
	if err != nil || len(orig) < 20 {
		t.Fatalf("corpus/dns-wire: %d entries, %v", len(orig), err)
	}
	d := corpus.Dir{Root: t.TempDir(), Format: "dns-wire"}
	b := d.NewBatch()
	for _, e := range orig {
		if _, _, err := b.Add(e.Data, corpus.Provenance{Kind: corpus.KindImported, Source: e.Path}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	bin, err := coverage.Build(ctx, target.Target{Name: "FuzzWire", ImportPath: "github.com/daemonfuzz/daemonfuzz/fuzz/dns",
		Dir: "fuzz/dns", Format: "dns-wire"}, coverage.Options{ModuleRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	defer bin.Close()
	res, err := Minimize(ctx, d, []*coverage.Binary{bin}, MinimizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := corpus.ReadEntries(d.Path(), false, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != res.After || len(kept) >= len(orig) {
		t.Fatalf("kept %d of %d inputs (result says %d)", len(kept), len(orig), res.After)
	}
	measure := func(es []corpus.Entry, name string) coverage.Package {
		var in [][]byte
		for _, e := range es {
			in = append(in, e.Data)
		}
		rep, _, err := bin.Profile(ctx, in, false, filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		return rep.Total
	}
	full, min := measure(orig, "full.cover"), measure(kept, "kept.cover")
	t.Logf("corpus/dns-wire: %d -> %d inputs; statements covered %d/%d -> %d/%d", len(orig), len(kept), full.Covered, full.Statements, min.Covered, min.Statements)
	if min.Covered != full.Covered || min.Statements != full.Statements {
		t.Errorf("minimised corpus covers %d/%d statements, the full one %d/%d", min.Covered, min.Statements, full.Covered, full.Statements)
	}
}
