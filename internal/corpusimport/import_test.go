package corpusimport

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
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
	write(t, filepath.Join(src, "tree", "dns-wire", "b"), corpusfile.Encode([]byte("go seed")))
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

	res, err := Import(context.Background(), []string{filepath.Join(src, "tree"), filepath.Join(src, "fake.pcap"), filepath.Join(src, "cut.pcap"), filepath.Join(src, "missing")}, Options{Root: root})
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
	seeds, err := corpus.Dir{Root: root, Format: "dns-wire"}.Seeds()
	if err != nil || len(seeds) != 3 {
		t.Fatalf("dns-wire seeds %v %v", seeds, err)
	}
	m, err := corpus.Dir{Root: root, Format: "dhcpv4"}.Manifest()
	if err != nil || len(m) != 1 || m[0].Kind != corpus.KindCaptured || m[0].Source != "cut.pcap packet 3" || m[0].Note != "udp 192.0.2.1:68 > 192.0.2.53:67" {
		t.Errorf("dhcpv4 manifest %+v %v", m, err)
	}

	// A second import adds nothing and keeps the manifest as it was.
	before, _ := os.ReadFile(corpus.Dir{Root: root, Format: "dns-wire"}.ManifestPath())
	res, err = Import(context.Background(), []string{filepath.Join(src, "tree")}, Options{Root: root})
	if err != nil || res.Formats["dns-wire"].New != 0 {
		t.Fatalf("re-import: %+v %v", res.Formats["dns-wire"], err)
	}
	after, _ := os.ReadFile(corpus.Dir{Root: root, Format: "dns-wire"}.ManifestPath())
	if !bytes.Equal(before, after) {
		t.Errorf("re-import changed the manifest")
	}
}

func TestImportForcedFormat(t *testing.T) {
	src, root := t.TempDir(), t.TempDir()
	write(t, filepath.Join(src, "x"), []byte("anything"))
	res, err := Import(context.Background(), []string{src}, Options{Root: root, Format: "ntp"})
	if err != nil || res.Formats["ntp"] == nil || res.Formats["ntp"].New != 1 || len(res.Problems) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
}
