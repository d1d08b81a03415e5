package corpus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"

	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport/pcaptest"
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

func capture(t *testing.T, pkts ...pcaptest.Packet) []byte {
	var b bytes.Buffer
	if err := pcaptest.Pcap(&b, pkts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportMixed(t *testing.T) {
	src, root := t.TempDir(), filepath.Join(t.TempDir(), "corpus")
	write(t, filepath.Join(src, "tree", "dns-wire", "a"), []byte("raw seed"))
	write(t, filepath.Join(src, "tree", "dns-wire", "b"), FormatGoFile([]byte("go seed")))
	write(t, filepath.Join(src, "tree", "dns-wire", "b-dup"), []byte("go seed"))
	write(t, filepath.Join(src, "tree", "unknown", "c"), []byte("no format"))
	write(t, filepath.Join(src, "tree", "dns-wire", "bad"), []byte("go test fuzz v1\nint(3)\n"))
	write(t, filepath.Join(src, "fake.pcap"), []byte("this is no capture"))
	cap := capture(t,
		pcaptest.UDP(layers.LinkTypeEthernet, false, 40000, 53, []byte("q1")),
		pcaptest.UDP(layers.LinkTypeEthernet, false, 40000, 53, []byte("q1")),
		pcaptest.UDP(layers.LinkTypeEthernet, false, 68, 67, []byte("discover")),
		pcaptest.UDP(layers.LinkTypeEthernet, false, 40000, 53, []byte("q2")))
	write(t, filepath.Join(src, "cut.pcap"), cap[:len(cap)-4])

	res, err := Import(context.Background(), []string{filepath.Join(src, "tree"), filepath.Join(src, "fake.pcap"), filepath.Join(src, "cut.pcap"), filepath.Join(src, "missing")}, ImportOptions{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if got := *res.Formats["dns-wire"]; got != (Counts{Read: 5, New: 3, Duplicate: 2}) {
		t.Errorf("dns-wire counts %+v", got)
	}
	if got := *res.Formats["dhcpv4"]; got != (Counts{Read: 1, New: 1}) {
		t.Errorf("dhcpv4 counts %+v", got)
	}
	var bad []string
	for _, p := range res.Problems {
		bad = append(bad, filepath.Base(p.Path))
	}
	slices.Sort(bad)
	if want := []string{"bad", "c", "fake.pcap", "missing"}; !slices.Equal(bad, want) {
		t.Errorf("problems %v, want %v", res.Problems, want)
	}
	if len(res.Truncated) != 1 || !strings.Contains(res.Truncated[0], "packet 4") {
		t.Errorf("truncated %q", res.Truncated)
	}
	seeds, err := Dir{Root: root, Format: "dns-wire"}.Seeds()
	if err != nil || len(seeds) != 3 {
		t.Fatalf("dns-wire seeds %v %v", seeds, err)
	}
	m, err := Dir{Root: root, Format: "dhcpv4"}.Manifest()
	if err != nil || len(m) != 1 || m[0].Kind != KindCaptured || m[0].Source != "cut.pcap packet 3" || m[0].Note != "udp 192.0.2.1:68 > 192.0.2.53:67" {
		t.Errorf("dhcpv4 manifest %+v %v", m, err)
	}

	// A second import adds nothing and keeps the manifest as it was.
	before, _ := os.ReadFile(Dir{Root: root, Format: "dns-wire"}.ManifestPath())
	res, err = Import(context.Background(), []string{filepath.Join(src, "tree")}, ImportOptions{Root: root})
	if err != nil || res.Formats["dns-wire"].New != 0 {
		t.Fatalf("re-import: %+v %v", res.Formats["dns-wire"], err)
	}
	after, _ := os.ReadFile(Dir{Root: root, Format: "dns-wire"}.ManifestPath())
	if !bytes.Equal(before, after) {
		t.Errorf("re-import changed the manifest")
	}
}

func TestImportForcedFormat(t *testing.T) {
	src, root := t.TempDir(), t.TempDir()
	write(t, filepath.Join(src, "x"), []byte("anything"))
	res, err := Import(context.Background(), []string{src}, ImportOptions{Root: root, Format: "ntp"})
	if err != nil || res.Formats["ntp"] == nil || res.Formats["ntp"].New != 1 || len(res.Problems) != 0 {
		t.Fatalf("%+v %v", res, err)
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
	write(t, filepath.Join(work, "ok"), FormatGoFile([]byte("in")))
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
