package curate

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/coverage"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

func toy(t *testing.T) *coverage.Binary {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	dir, _ := filepath.Abs("../coverage/testdata/toymod")
	b, err := coverage.Build(context.Background(), target.Target{Name: "FuzzParse", ImportPath: "example.com/toymod/toy", Dir: "toy"},
		coverage.Options{ModuleRoot: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func seed(t *testing.T, d corpus.Dir, inputs ...string) {
	t.Helper()
	b := d.NewBatch()
	for _, in := range inputs {
		if _, _, err := b.Add([]byte(in), corpus.Provenance{Kind: corpus.KindHandmade, Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, d corpus.Dir) []string {
	t.Helper()
	entries, _, err := corpus.ReadEntries(d.Path(), false, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, string(e.Data))
	}
	slices.Sort(out)
	return out
}

func TestMinimizeToy(t *testing.T) {
	b := toy(t)
	d := corpus.Dir{Root: t.TempDir(), Format: "toy"}
	// "ab" and "abxyz" reach the same blocks; "ccc" and "cccccc" too; "x" and
	// "yy" too; "!!" panics and is kept unjudged.
	seed(t, d, "ab", "abxyz", "ccc", "cccccc", "x", "yy", "ax", "!!")
	ctx := context.Background()

	dry, err := Minimize(ctx, d, []*coverage.Binary{b}, MinimizeOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Before != 8 || dry.After != 5 || len(names(t, d)) != 8 {
		t.Fatalf("dry run: %+v, corpus now %q", dry, names(t, d))
	}

	res, err := Minimize(ctx, d, []*coverage.Binary{b}, MinimizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"!!", "ab", "ax", "ccc", "x"}; !slices.Equal(names(t, d), want) {
		t.Errorf("kept %q, want %q", names(t, d), want)
	}
	if len(res.Coverage) != 1 || res.Coverage[0].Full != res.Coverage[0].Kept || res.Coverage[0].Full.Covered == 0 {
		t.Errorf("coverage %+v", res.Coverage)
	}
	if len(res.Unmeasured) != 1 {
		t.Errorf("unmeasured %v", res.Unmeasured)
	}
	m, err := d.Manifest()
	if err != nil || len(m) != 5 {
		t.Errorf("manifest %v %v", m, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(d.Root, ".toy.*"))
	if len(leftovers) != 0 {
		t.Errorf("left behind %v", leftovers)
	}
}

func TestMergeToy(t *testing.T) {
	b := toy(t)
	d := corpus.Dir{Root: t.TempDir(), Format: "toy"}
	seed(t, d, "ab")
	work := t.TempDir()
	for name, in := range map[string]string{"w1": "ab", "w2": "ax", "w3": "ccc", "w4": "cccc", "w5": "!!", "w6": "ax"} {
		if err := os.WriteFile(filepath.Join(work, name), corpusfile.Encode([]byte(in)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(work, "torn"), []byte("go test fuzz v1\n[]byte(\"x"), 0o644); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(t.TempDir(), "quarantine")
	res, err := Merge(context.Background(), b, work, d, q, MergeOptions{Source: "toy:FuzzParse"})
	if err != nil {
		t.Fatal(err)
	}
	want := MergeResult{Target: "FuzzParse", Format: "toy", Work: 6, Known: 2, Added: 2, NoGain: 1, Unmeasured: 1}
	problems := res.Problems
	res.Problems = nil
	if !reflect.DeepEqual(*res, want) {
		t.Errorf("result %+v, want %+v", *res, want)
	}
	if len(problems) != 1 || problems[0].Quarantined != filepath.Join(q, "torn") {
		t.Errorf("problems %v", problems)
	}
	if got := names(t, d); !slices.Equal(got, []string{"ab", "ax", "ccc"}) {
		t.Errorf("corpus %q", got)
	}
	m, _ := d.Manifest()
	kinds := map[string]int{}
	for _, p := range m {
		kinds[p.Kind]++
	}
	if kinds[corpus.KindFuzzer] != 2 || kinds[corpus.KindHandmade] != 1 {
		t.Errorf("manifest kinds %v", kinds)
	}
}
