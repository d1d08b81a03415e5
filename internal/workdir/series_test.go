package workdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSeriesKeepsPointsAroundBadLines(t *testing.T) {
	text := `{"time":"2026-11-29T10:00:00Z","run":"2026-11-29T10:00:00Z","elapsed":3,"execs":100,"corpus":5}
not json at all
{"time":"2026-11-29T10:00:03Z","run":"2026-11-29T10:00:00Z","elapsed":6,"execs":300,"corpus":6}
{"time":"2026-11-29T10:00:06Z","run":"2026-11-29T10:0`
	path := filepath.Join(t.TempDir(), "FuzzX.jsonl")
	os.WriteFile(path, []byte(text), 0o644)
	points, skipped, err := ReadSeries(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || points[1].Execs != 300 {
		t.Fatalf("points = %+v, want the two whole lines", points)
	}
	if len(skipped) != 2 || skipped[0].Line != 2 || skipped[1].Line != 4 {
		t.Fatalf("skipped = %v, want lines 2 and 4", skipped)
	}
	if s := skipped[1].String(); !strings.Contains(s, path+":4") {
		t.Errorf("skip note %q does not name the file and line", s)
	}
}

func TestReadSeriesOverlongLine(t *testing.T) {
	long := `{"time":"2026-11-29T10:00:00Z","x":"` + strings.Repeat("a", maxLine) + `"}`
	good := `{"time":"2026-11-29T10:00:03Z","execs":7}`
	points, skipped, err := readSeries("s", strings.NewReader(long+"\n"+good+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 1 || points[0].Execs != 7 || len(skipped) != 1 || skipped[0].Line != 1 {
		t.Fatalf("points %+v skipped %v", points, skipped)
	}
}
