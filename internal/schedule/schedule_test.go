package schedule

import (
	"testing"
	"time"
)

const s = time.Second

func TestNext(t *testing.T) {
	cfg := Config{Slice: 30 * s, MinSlice: 5 * s}
	for _, tc := range []struct {
		name      string
		ts        []Target
		remaining time.Duration
		wantIdx   int
		wantD     time.Duration
		wantOK    bool
	}{
		{"first unrun target first", []Target{{Slices: 1, Fuzzed: 30 * s, LastNew: 100}, {}, {}}, 10 * time.Minute, 1, 30 * s, true},
		{"running and retired skipped", []Target{{Running: true}, {Done: true}, {}}, time.Minute, 2, 30 * s, true},
		{"productive target preferred", []Target{
			{Slices: 1, Fuzzed: 30 * s, LastNew: 0},
			{Slices: 1, Fuzzed: 30 * s, LastNew: 12},
		}, time.Minute, 1, 30 * s, true},
		{"plateaued least-fuzzed catches up", []Target{
			{Slices: 3, Fuzzed: 90 * s},
			{Slices: 1, Fuzzed: 30 * s},
		}, time.Minute, 1, 30 * s, true},
		{"a productive target still yields to a far less fuzzed one", []Target{
			{Slices: 10, Fuzzed: 300 * s, LastNew: 2},
			{Slices: 1, Fuzzed: 30 * s, LastNew: 0},
		}, time.Minute, 1, 30 * s, true},
		{"slice cut to remaining time", []Target{{}}, 12 * s, 0, 12 * s, true},
		{"too little time left", []Target{{}}, 4 * s, -1, 0, false},
		{"deadline passed", []Target{{}}, -3 * s, -1, 0, false},
		{"no total limit", []Target{{}}, NoLimit, 0, 30 * s, true},
		{"all busy", []Target{{Running: true}, {Running: true}}, time.Minute, -1, 0, false},
		{"nothing to run", nil, time.Minute, -1, 0, false},
		{"per-target budget in one slice", []Target{{Budget: 2 * time.Minute}}, NoLimit, 0, 2 * time.Minute, true},
		{"per-target budget: rest after a crash", []Target{{Budget: 2 * time.Minute, Fuzzed: 50 * s, Slices: 1}}, NoLimit, 0, 70 * s, true},
		{"per-target budget spent", []Target{{Budget: time.Minute, Fuzzed: 58 * s, Slices: 1}, {Budget: time.Minute}}, NoLimit, 1, time.Minute, true},
		{"per-target budget all spent", []Target{{Budget: time.Minute, Fuzzed: time.Minute, Slices: 1}}, NoLimit, -1, 0, false},
		{"per-target budget capped by total", []Target{{Budget: time.Hour}}, time.Minute, 0, time.Minute, true},
	} {
		idx, d, ok := Next(tc.ts, tc.remaining, cfg)
		if idx != tc.wantIdx || d != tc.wantD || ok != tc.wantOK {
			t.Errorf("%s: Next = (%d, %v, %v), want (%d, %v, %v)", tc.name, idx, d, ok, tc.wantIdx, tc.wantD, tc.wantOK)
		}
	}
}

// TestNextShares simulates a run and checks the shares the policy gives: a
// target that keeps finding inputs gets the most time, every target gets
// some, and the workers are never idle while time is left.
func TestNextShares(t *testing.T) {
	cfg := Config{Slice: 30 * s, MinSlice: 5 * s}
	ts := make([]Target, 4)
	newPerSlice := []int{0, 0, 20, 1} // target 2 keeps growing
	remaining := 20 * time.Minute
	for remaining > 0 {
		i, d, ok := Next(ts, remaining, cfg)
		if !ok {
			break
		}
		ts[i].Slices++
		ts[i].Fuzzed += d
		ts[i].LastNew = newPerSlice[i]
		remaining -= d
	}
	if remaining != 0 {
		t.Errorf("%v left unused", remaining)
	}
	for i, tt := range ts {
		if tt.Slices < 2 {
			t.Errorf("target %d got %d slices, want every target fuzzed repeatedly", i, tt.Slices)
		}
		if i != 2 && tt.Fuzzed >= ts[2].Fuzzed {
			t.Errorf("target %d fuzzed %v >= the productive target's %v", i, tt.Fuzzed, ts[2].Fuzzed)
		}
	}
}

func TestSliceLength(t *testing.T) {
	for _, tc := range []struct {
		total      time.Duration
		n, workers int
		want       time.Duration
	}{
		{60 * s, 1, 1, 60 * s},
		{2 * time.Minute, 2, 2, 2 * time.Minute},
		{2 * time.Minute, 13, 2, MinSliceLength},
		{8 * time.Hour, 13, 2, MaxSliceLength},
		{time.Hour, 12, 2, 200 * s},
		{10 * s, 5, 2, 10 * s / 3},
		{20 * s, 3, 2, 10 * s},
		{2 * time.Minute, 30, 2, 8 * s},
		{time.Minute, 0, 2, time.Minute},
	} {
		if got := SliceLength(tc.total, tc.n, tc.workers); got != tc.want {
			t.Errorf("SliceLength(%v, %d, %d) = %v, want %v", tc.total, tc.n, tc.workers, got, tc.want)
		}
	}
}

func TestNextShortensFirstSlices(t *testing.T) {
	// 10 targets, 2 workers, 60 s left, 3 s of baseline each: a first
	// slice gets 60*2/10-3 = 9 s, not the configured 20 s, so every target
	// is reached; never less than MinSlice.
	ts := make([]Target, 10)
	cfg := Config{Slice: 20 * time.Second, MinSlice: 5 * time.Second, Workers: 2, Overhead: 3 * time.Second}
	if _, d, ok := Next(ts, time.Minute, cfg); !ok || d != 9*time.Second {
		t.Errorf("first slice = %v, %v; want 9s", d, ok)
	}
	if _, d, ok := Next(ts, 20*time.Second, cfg); !ok || d != 5*time.Second {
		t.Errorf("first slice with little time left = %v, %v; want MinSlice 5s", d, ok)
	}
	for i := range ts {
		ts[i].Slices, ts[i].Fuzzed = 1, 9*time.Second
	}
	if _, d, ok := Next(ts, time.Minute, cfg); !ok || d != 20*time.Second {
		t.Errorf("later slice = %v, %v; want the full 20s", d, ok)
	}
	if got := Need(10, 2, 5*time.Second, 3*time.Second); got != 40*time.Second {
		t.Errorf("Need = %v, want 40s", got)
	}
}
