package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadEntriesQuarantine(t *testing.T) {
	root := t.TempDir()
	d := Dir{Root: root, Format: "dns-wire"}
	good, _, err := d.Add([]byte("good"), Provenance{Kind: KindHandmade})
	if err != nil {
		t.Fatal(err)
	}
	rotten := Name([]byte("original"))
	write(t, filepath.Join(d.Path(), rotten), []byte("bit rot"))
	write(t, filepath.Join(d.Path(), "hand-named"), []byte("kept as is"))
	entries, problems, err := ReadEntries(d.Path(), false, d.QuarantineDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || filepath.Base(entries[0].Path) != good || len(problems) != 1 {
		t.Fatalf("entries %v problems %v", entries, problems)
	}
	q := problems[0].Quarantined
	if q != filepath.Join(root, ".quarantine", "dns-wire", rotten) {
		t.Errorf("quarantined to %q", q)
	}
	if _, err := os.Stat(q + ".why"); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), rotten)); !os.IsNotExist(err) {
		t.Errorf("corrupt entry still in the corpus: %v", err)
	}

	work := t.TempDir()
	write(t, filepath.Join(work, "ok"), corpusfile.Encode([]byte("in")))
	write(t, filepath.Join(work, "torn"), []byte("go test fuzz v1\n[]byte(\"unterminated\n"))
	entries, problems, err = ReadEntries(work, true, filepath.Join(work, ".q"))
	if err != nil || len(entries) != 1 || string(entries[0].Data) != "in" || len(problems) != 1 || problems[0].Quarantined == "" {
		t.Fatalf("work corpus: %v %v %v", entries, problems, err)
	}
}

func TestStats(t *testing.T) {
	root := t.TempDir()
	d := Dir{Root: root, Format: "ntp"}
	b := d.NewBatch()
	for _, n := range []int{1, 20, 20, 300, 70000} {
		if _, _, err := b.Add(bytes.Repeat([]byte{byte(n)}, n), Provenance{Kind: KindRFC}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Path(), "extra"), []byte("no manifest line"))
	s, err := d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 5 || s.Bytes != 1+20+300+70000+16 || s.Min != 1 || s.Max != 70000 || s.Median != 20 {
		t.Errorf("stats %+v", s)
	}
	if s.Provenance[KindRFC] != 4 || s.Provenance["unrecorded"] != 1 {
		t.Errorf("provenance %v", s.Provenance)
	}
	var counts []int
	for _, b := range s.Histogram {
		counts = append(counts, b.Count)
	}
	if want := []int{2, 1, 0, 1, 0, 0, 0, 1}; !slices.Equal(counts, want) {
		t.Errorf("histogram %v, want %v", counts, want)
	}
	fs, err := Formats(root)
	if err != nil || !slices.Equal(fs, []string{"ntp"}) {
		t.Errorf("Formats = %v %v", fs, err)
	}
}
