package run

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from what the code prints")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -run %s -update rewrites it after a deliberate change):\n--- got\n%s--- want\n%s", path, t.Name(), got, want)
	}
}

// The summary table a finished run prints, whole: every status, a crash
// seen twice, one not stored, a failed target's first error line.
func TestWriteTableGolden(t *testing.T) {
	s := &workdir.Summary{
		Targets: []workdir.TargetSummary{
			{ID: "fuzz/dns:FuzzWire", Status: workdir.StatusCrashed, Slices: 3, Fuzzed: workdir.Duration(95 * time.Second),
				Execs: 123456, ExecsPerSec: 1299.5, New: 17, Corpus: 420, Crashes: 2},
			{ID: "fuzz/dns:FuzzZone", Status: workdir.StatusOK, Slices: 2, Fuzzed: workdir.Duration(61 * time.Second),
				Execs: 9000, ExecsPerSec: 147.5, New: 3, Corpus: 88},
			{ID: "fuzz/ntp:FuzzPacket", Status: workdir.StatusFailed, Error: "seed corpus entry FuzzPacket/seed#0 fails before fuzzing starts\nmore detail"},
			{ID: "fuzz/ntp:FuzzNTS", Status: workdir.StatusNotRun},
		},
		Crashes: []workdir.CrashRef{
			{Target: "fuzz/dns:FuzzWire", Kind: "panic", ID: "0123456789ab", Path: "crashers/fuzz-dns.FuzzWire/0123456789ab", New: true, Title: "dns: index out of range in unpackDataSVCB"},
			{Target: "fuzz/dns:FuzzWire", Kind: "panic", ID: "0123456789ab", Path: "crashers/fuzz-dns.FuzzWire/0123456789ab", Title: "dns: index out of range in unpackDataSVCB"},
			{Target: "fuzz/dns:FuzzWire", Kind: "hang", Title: "dns: hang"},
		},
	}
	var b bytes.Buffer
	WriteTable(&b, s)
	golden(t, "summary.golden", b.Bytes())
}
