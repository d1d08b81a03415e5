package run

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

func TestWriteStatusKeepsRunningRowsOnSmallScreens(t *testing.T) {
	s := Snapshot{Started: time.Now(), Total: time.Minute, Rows: []Row{
		{ID: "a:FuzzA", Phase: "waiting"},
		{ID: "a:FuzzB", Phase: "fuzzing", Execs: 42},
		{ID: "a:FuzzC", Phase: "queued"},
		{ID: "a:FuzzD", Phase: "baseline"},
	}}
	var b bytes.Buffer
	writeStatus(&b, s, 2)
	out := b.String()
	if !strings.Contains(out, "a:FuzzB") || !strings.Contains(out, "a:FuzzD") || strings.Contains(out, "a:FuzzA") {
		t.Errorf("want the two running rows only:\n%s", out)
	}
	if !strings.Contains(out, "... and 2 more targets") || !strings.Contains(out, "left") {
		t.Errorf("missing the hidden count or the time left:\n%s", out)
	}
}

func TestTerminalDisplayRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	d := &TerminalDisplay{W: &b}
	s := Snapshot{Started: time.Now(), Rows: []Row{{ID: "a:FuzzA", Phase: "fuzzing"}}}
	d.Update(s)
	d.Event("a:FuzzA: crash found")
	out := b.String()
	// The table is 3 lines (header, column names, one row): the event first
	// moves up over them and clears, then the table is drawn again below it.
	if !strings.Contains(out, "\x1b[3A\r\x1b[J") || strings.Count(out, "a:FuzzA  ") < 2 {
		t.Errorf("no in-place redraw:\n%q", out)
	}
	if i, j := strings.Index(out, "crash found"), strings.LastIndex(out, "TARGET"); i < 0 || j < i {
		t.Errorf("event not printed above the redrawn table:\n%q", out)
	}
}

func TestPlainDisplayThrottles(t *testing.T) {
	var b bytes.Buffer
	d := &PlainDisplay{W: &b, Interval: time.Hour}
	s := Snapshot{Rows: []Row{{ID: "a:FuzzA", Phase: "fuzzing", Execs: 1}}}
	d.Update(s)
	s.Rows[0].Execs = 2
	d.Update(s)
	if n := strings.Count(b.String(), "a:FuzzA: fuzzed"); n != 1 {
		t.Errorf("%d progress lines within the interval, want 1:\n%s", n, b.String())
	}
}

func TestWriteTable(t *testing.T) {
	s := &workdir.Summary{
		Targets: []workdir.TargetSummary{
			{ID: "a:FuzzA", Status: workdir.StatusCrashed, Execs: 10, Crashes: 2},
			{ID: "a:FuzzB", Status: workdir.StatusNotRun},
			{ID: "a:FuzzC", Status: workdir.StatusFailed, Error: "seed fails\nmore detail"},
		},
		Crashes: []workdir.CrashRef{
			{Target: "a:FuzzA", Path: "crashers/a.FuzzA/1", New: true, Title: "boom"},
			{Target: "a:FuzzA", Path: "crashers/a.FuzzA/1", Title: "boom"},
		},
	}
	var b bytes.Buffer
	WriteTable(&b, s)
	out := b.String()
	for _, want := range []string{
		"1 targets not run",
		"a:FuzzC: seed fails\n",
		"crash (new, seen 2 times): a:FuzzA boom in crashers/a.FuzzA/1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
