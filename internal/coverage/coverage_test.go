package coverage

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

func TestCover(t *testing.T) {
	tests := []struct {
		name   string
		blocks [][]Block
		sizes  []int
		want   []int
	}{
		{"empty", nil, nil, nil},
		{"subset dropped", [][]Block{{1, 2, 3}, {1, 2}, {3}}, []int{10, 2, 1}, []int{0}},
		{"smaller wins a tie", [][]Block{{1, 2}, {1, 2}}, []int{9, 3}, []int{1}},
		{"needs both", [][]Block{{1, 2}, {3}, {2, 3}}, []int{1, 1, 1}, []int{0, 1}},
		{"no blocks kept out", [][]Block{{}, {5}}, []int{0, 1}, []int{1}},
		{"greedy takes the biggest gain first", [][]Block{{1, 2, 3, 4}, {1, 2}, {3, 4}, {5}}, []int{8, 1, 1, 1}, []int{0, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cover(tt.blocks, tt.sizes); !slices.Equal(got, tt.want) {
				t.Errorf("Cover = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCoverKeepsUnion(t *testing.T) {
	var blocks [][]Block
	var sizes []int
	for i := range 200 {
		var bs []Block
		for j := 1; j <= 40; j++ {
			if (i*7+j*13)%j == 0 {
				bs = append(bs, Block(j*100+i%9))
			}
		}
		blocks = append(blocks, bs)
		sizes = append(sizes, i%17)
	}
	union := func(idx []int) map[Block]bool {
		m := map[Block]bool{}
		for _, i := range idx {
			for _, b := range blocks[i] {
				m[b] = true
			}
		}
		return m
	}
	all := make([]int, len(blocks))
	for i := range all {
		all[i] = i
	}
	kept := Cover(blocks, sizes)
	if got, want := len(union(kept)), len(union(all)); got != want {
		t.Fatalf("kept %d inputs covering %d blocks, want %d", len(kept), got, want)
	}
	if len(kept) >= len(blocks) {
		t.Fatalf("kept all %d inputs", len(kept))
	}
}

func TestAdds(t *testing.T) {
	got := Adds([]Block{1, 2}, [][]Block{{1}, {2, 3}, {3}, {4, 1}})
	if want := []int{1, 3}; !slices.Equal(got, want) {
		t.Errorf("Adds = %v, want %v", got, want)
	}
}

func TestParseRecordsCutShort(t *testing.T) {
	rec := func(kind byte, name string, blocks ...uint64) []byte {
		b := []byte{kind}
		b = append(b, byte(len(name)), 0, 0, 0)
		b = append(b, name...)
		b = append(b, byte(len(blocks)*8), 0, 0, 0)
		for _, x := range blocks {
			b = append(b, byte(x), 0, 0, 0, 0, 0, 0, 0)
		}
		return b
	}
	var data []byte
	data = append(data, rec('B', "FuzzX/fz-00000000")...)
	data = append(data, rec('E', "FuzzX/fz-00000000", 7, 5)...)
	data = append(data, rec('B', "FuzzX/seed#0")...)
	data = append(data, rec('B', "FuzzX/fz-00000001")...)
	data = append(data, rec('P', "FuzzX/fz-00000001", 9)[:6]...) // the process died mid-write
	got, started, err := parseRecords(data, "FuzzX")
	if err != nil {
		t.Fatal(err)
	}
	if started != 1 || len(got) != 1 || !slices.Equal(got[0].Blocks, []Block{5, 7}) || got[0].Status != OK {
		t.Fatalf("got %+v, started %d", got, started)
	}
}

// toy builds the toy module's FuzzParse; it needs the go command.
func toy(t *testing.T) *Binary {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	dir, _ := filepath.Abs("testdata/toymod")
	b, err := Build(context.Background(), target.Target{Name: "FuzzParse", ImportPath: "example.com/toymod/toy", Dir: "toy"},
		Options{ModuleRoot: dir, BatchSize: 3, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestPerInputToy(t *testing.T) {
	b := toy(t)
	inputs := [][]byte{[]byte("ab"), []byte("ax"), []byte("ccc"), []byte("!!"), []byte("cc"), []byte("f"), []byte("ab"), []byte("")}
	res, err := b.PerInput(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := []Status{OK, OK, OK, Panicked, OK, Failed, OK, OK}
	for i, r := range res {
		if r.Status != wantStatus[i] {
			t.Errorf("input %q: status %v, want %v", inputs[i], r.Status, wantStatus[i])
		}
		if len(r.Blocks) == 0 {
			t.Errorf("input %q: no blocks", inputs[i])
		}
	}
	if !slices.Equal(res[0].Blocks, res[6].Blocks) {
		t.Errorf("the same input covered %v and %v", res[0].Blocks, res[6].Blocks)
	}
	if slices.Equal(res[0].Blocks, res[1].Blocks) || slices.Equal(res[2].Blocks, res[4].Blocks) {
		t.Errorf("different paths gave the same blocks: %v", res)
	}
}

func TestPerInputHang(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	dir, _ := filepath.Abs("testdata/toymod")
	b, err := Build(context.Background(), target.Target{Name: "FuzzParse", ImportPath: "example.com/toymod/toy", Dir: "toy"},
		Options{ModuleRoot: dir, InputTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.PerInput(context.Background(), [][]byte{[]byte("ab"), []byte("hh"), []byte("ccc")})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != OK || res[1].Status != Hung || res[2].Status != OK || len(res[2].Blocks) == 0 {
		t.Fatalf("results %+v", res)
	}
}

func TestFindFuzzCall(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nimport \"testing\"\n\nfunc FuzzA(f *testing.F) {\n\tf.Add([]byte(\"x\"))\n\tf.Fuzz(func(t *testing.T, b []byte) {})\n}\n\nfunc FuzzB(f *testing.F) { run(f) }\n"
	if err := os.WriteFile(filepath.Join(dir, "a_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := findFuzzCall(dir, "FuzzA")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "f.Fuzz(func(t *testing.T, b []byte) {})", "f.Fuzz(fuzzrunWrap(func(t *testing.T, b []byte) {}))", 1)
	if got := string(c.wrapped()); got != want || c.pkg != "p" {
		t.Errorf("wrapped:\n%s\nwant:\n%s", got, want)
	}
	if _, err := findFuzzCall(dir, "FuzzB"); err == nil || !strings.Contains(err.Error(), "never calls f.Fuzz(fn) in its body") {
		t.Errorf("FuzzB: %v", err)
	}
	if _, err := findFuzzCall(dir, "FuzzC"); err == nil || !strings.Contains(err.Error(), "no func FuzzC") {
		t.Errorf("FuzzC: %v", err)
	}
}

func TestProfileSkipsCrashers(t *testing.T) {
	b := toy(t)
	out := filepath.Join(t.TempDir(), "cover.out")
	rep, skipped, err := b.Profile(context.Background(), [][]byte{[]byte("ab"), []byte("!!"), []byte("ccc")}, false, out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(skipped, []int{1}) {
		t.Errorf("skipped %v, want [1]", skipped)
	}
	if len(rep.Packages) != 1 || rep.Packages[0].ImportPath != "example.com/toymod/toy" || rep.Total.Covered == 0 || rep.Total.Covered >= rep.Total.Statements {
		t.Errorf("report %+v", rep)
	}
}
