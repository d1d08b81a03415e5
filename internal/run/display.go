package run

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// Display shows a run's progress. The Runner calls it from several
// goroutines; implementations serialise themselves.
type Display interface {
	Update(Snapshot)  // the live state, about once a second and on every change
	Event(msg string) // something worth a line of its own: a crash, a quarantined entry
	Close(Snapshot)   // the run is over
}

// Snapshot is the live state of a run.
type Snapshot struct {
	Started time.Time // when fuzzing began (after the builds); zero before

	Total, PerTarget time.Duration
	Rows             []Row
}

// Row is one target's live state: the quantities of the run summary
// (workdir.TargetSummary), under the same names, so the live view and the
// summary agree: FUZZED is fuzzing time after baseline passes, EXECS/S is
// EXECS over it, CORPUS the work corpus entries.
type Row struct {
	ID          string
	Phase       string // building, queued, baseline, fuzzing, waiting, restarting, failed
	Execs       int64
	ExecsPerSec float64
	New         int
	Corpus      int
	Crashes     int
	Skipped     int // known signatures the guard skipped
	Fuzzed      time.Duration
	Left        time.Duration // of the current slice
}

// Left is the run's remaining wall time under a total budget, else -1.
func (s Snapshot) Left() time.Duration {
	if s.Total <= 0 || s.Started.IsZero() {
		return -1
	}
	return max(0, s.Total-time.Since(s.Started))
}

type nopDisplay struct{}

func (nopDisplay) Update(Snapshot) {}
func (nopDisplay) Event(string)    {}
func (nopDisplay) Close(Snapshot)  {}

// TerminalDisplay redraws a status table in place, for a terminal.
type TerminalDisplay struct {
	W io.Writer
	// Height, if set, returns the terminal's height in lines; a table taller
	// than the screen cannot be redrawn in place, so it shows the targets
	// being fuzzed first and counts the rest.
	Height func() int

	mu    sync.Mutex
	lines int // lines of the table drawn last
	last  Snapshot
	drawn time.Time
}

func (d *TerminalDisplay) Update(s Snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = s
	if time.Since(d.drawn) < 250*time.Millisecond {
		return
	}
	d.redraw()
}

func (d *TerminalDisplay) Event(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	fmt.Fprintf(d.W, "fuzzrun: %s\n", msg)
	if d.last.Rows != nil {
		d.redraw()
	}
}

func (d *TerminalDisplay) Close(s Snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = s
	d.redraw()
	d.lines = 0
}

// clear moves the cursor to the first line of the table and erases it.
func (d *TerminalDisplay) clear() {
	if d.lines > 0 {
		fmt.Fprintf(d.W, "\x1b[%dA\r\x1b[J", d.lines)
		d.lines = 0
	}
}

func (d *TerminalDisplay) redraw() {
	var b strings.Builder
	maxRows := 0
	if d.Height != nil {
		maxRows = max(d.Height()-4, 3) // the header, the column names, the "more" line, the prompt
	}
	writeStatus(&b, d.last, maxRows)
	d.clear()
	io.WriteString(d.W, b.String())
	d.lines = strings.Count(b.String(), "\n")
	d.drawn = time.Now()
}

// writeStatus renders the live table, with at most maxRows targets if
// maxRows > 0: the ones running first.
func writeStatus(w io.Writer, s Snapshot, maxRows int) {
	rows := s.Rows
	hidden := 0
	if maxRows > 0 && len(rows) > maxRows {
		rows = append([]Row(nil), rows...)
		sort.SliceStable(rows, func(i, j int) bool { return running(rows[i]) && !running(rows[j]) })
		hidden = len(rows) - maxRows
		rows = rows[:maxRows]
	}
	head := fmt.Sprintf("fuzzrun: %d targets, building", len(s.Rows))
	if !s.Started.IsZero() {
		head = fmt.Sprintf("fuzzrun: %d targets, fuzzing for %s", len(s.Rows), fmtDur(time.Since(s.Started)))
	}
	if left := s.Left(); left >= 0 {
		head += fmt.Sprintf(", %s left", fmtDur(left))
	}
	fmt.Fprintln(w, head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, header+"SLICE LEFT\t")
	for _, r := range rows {
		left := "-"
		if r.Left > 0 {
			left = fmtDur(r.Left)
		}
		fmt.Fprintf(tw, rowFormat+"%s\t\n", r.ID, r.Phase, fmtDur(r.Fuzzed), r.Execs, r.ExecsPerSec, r.New, r.Corpus, r.Crashes, r.Skipped, left)
	}
	tw.Flush()
	if hidden > 0 {
		fmt.Fprintf(w, "... and %d more targets\n", hidden)
	}
}

// running reports whether a row's target has a process now.
func running(r Row) bool {
	switch r.Phase {
	case "starting", "baseline", "fuzzing", "restarting":
		return true
	}
	return false
}

// PlainDisplay writes progress as plain lines, for logs and CI: events as
// they happen, and each target's counters at most every Interval.
type PlainDisplay struct {
	W        io.Writer
	Interval time.Duration // 0 means 10s

	mu      sync.Mutex
	printed map[string]time.Time
	phase   map[string]string
}

func (d *PlainDisplay) Update(s Snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.printed == nil {
		d.printed, d.phase = make(map[string]time.Time), make(map[string]string)
	}
	every := d.Interval
	if every <= 0 {
		every = 10 * time.Second
	}
	for _, r := range s.Rows {
		if r.Phase != "fuzzing" || r.Execs == 0 || time.Since(d.printed[r.ID]) < every && d.phase[r.ID] == r.Phase {
			d.phase[r.ID] = r.Phase
			continue
		}
		d.phase[r.ID] = r.Phase
		d.printed[r.ID] = time.Now()
		fmt.Fprintf(d.W, "fuzzrun: %s: fuzzed %s, execs %d, execs/s %.0f, new %d, corpus %d, crashes %d, skipped %d\n",
			r.ID, fmtDur(r.Fuzzed), r.Execs, r.ExecsPerSec, r.New, r.Corpus, r.Crashes, r.Skipped)
	}
}

func (d *PlainDisplay) Event(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.W, "fuzzrun: %s\n", msg)
}

func (d *PlainDisplay) Close(Snapshot) {}

// WriteTable renders a finished run's summary as a text table.
func WriteTable(w io.Writer, s *workdir.Summary) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, header)
	for _, t := range s.Targets {
		fmt.Fprintf(tw, rowFormat+"\n", t.ID, t.Status, fmtDur(time.Duration(t.Fuzzed)), t.Execs, t.ExecsPerSec, t.New, t.Corpus, t.Crashes, len(t.Skipped))
	}
	tw.Flush()
	notRun, notFuzzed := 0, 0
	for _, t := range s.Targets {
		switch t.Status {
		case workdir.StatusNotRun:
			notRun++
		case workdir.StatusNotFuzzed:
			notFuzzed++
		}
	}
	if notRun+notFuzzed > 0 && !s.Interrupted {
		fmt.Fprintf(w, "%d targets not run and %d not fuzzed (their slices ended in the baseline pass): the budget was too small for them; give more -time, or select fewer targets\n", notRun, notFuzzed)
	}
	for _, t := range s.Targets {
		if t.Error != "" {
			first, _, _ := strings.Cut(t.Error, "\n")
			if t.Status == workdir.StatusSkipped {
				first = "skipped by the target itself: " + first
			}
			fmt.Fprintf(w, "%s: %s\n", t.ID, first)
		}
	}
	for _, g := range groupCrashes(s.Crashes) {
		kind := g.Kind
		if kind == "" {
			kind = "crash"
		}
		where := g.Path
		if where == "" {
			where = "(not stored)"
		}
		state := "new"
		if !g.New {
			state = "known"
		}
		fmt.Fprintf(w, "%s (%s, seen %d times): %s %s in %s\n", kind, state, g.count, g.Target, g.Title, where)
	}
}

type crashGroup struct {
	workdir.CrashRef
	count int
}

// groupCrashes merges the crashes a run filed under one store entry (a
// target restarted after a crash often finds the same bug again), in the
// order first found; a group is new if its first filing was.
func groupCrashes(cs []workdir.CrashRef) []crashGroup {
	var out []crashGroup
	index := make(map[string]int)
	for _, c := range cs {
		key := c.Target + "\x00" + c.Path
		if c.Path == "" {
			key += c.Seen.String() // unstored crashes stay apart
		}
		if i, ok := index[key]; ok {
			out[i].count++
			continue
		}
		index[key] = len(out)
		out = append(out, crashGroup{c, 1})
	}
	return out
}

// The columns of the live view and of the summary table, which show the
// same quantities under the same names.
const (
	header    = "TARGET\tSTATE\tFUZZED\tEXECS\tEXECS/S\tNEW\tCORPUS\tCRASHES\tSKIPPED\t"
	rowFormat = "%s\t%s\t%s\t%d\t%.0f\t%d\t%d\t%d\t%d\t"
)

// fmtDur prints d rounded to seconds, as 1h2m3s.
func fmtDur(d time.Duration) string {
	return d.Round(time.Second).String()
}
