package workdir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// StatPoint is one line of a target's stats time series
// (stats/<pkgdir>/<FuzzXxx>.jsonl). A line is appended on every progress
// line of the fuzzing process (every 3 s), each with one write, so a run
// that is killed keeps its history up to its last point; a following run
// appends to the same file. Counters are cumulative within one run (Run
// identifies it) across the target's slices.
type StatPoint struct {
	Time        time.Time `json:"time"`          // wall clock, UTC
	Run         time.Time `json:"run"`           // start of the run that wrote the point
	Elapsed     float64   `json:"elapsed"`       // seconds of fuzzing of this target in this run
	Execs       int64     `json:"execs"`         // executions in this run
	ExecsPerSec float64   `json:"execs_per_sec"` // rate over the last interval, as Go reported it
	Corpus      int       `json:"corpus"`        // seeds plus work corpus entries now
	New         int       `json:"new"`           // new interesting inputs found in this run
	Crashes     int       `json:"crashes"`       // crashes found in this run
}

// StatsWriter appends StatPoints to one file.
type StatsWriter struct {
	f *os.File
}

// OpenStats opens (creating) the stats file at path for appending.
func OpenStats(path string) (*StatsWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create stats directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open stats %s: %w", path, err)
	}
	return &StatsWriter{f: f}, nil
}

// Append writes p as one line in one write(2).
func (s *StatsWriter) Append(p StatPoint) error {
	line, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := s.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("append stats %s: %w", s.f.Name(), err)
	}
	return nil
}

// Close closes the file.
func (s *StatsWriter) Close() error { return s.f.Close() }
