package workdir

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

// SummaryVersion is the version of summary.json's schema.
const SummaryVersion = 1

// Summary is a run's machine-readable result, written to summary.json after
// every slice and at the end, atomically.
type Summary struct {
	Version     int       `json:"version"`
	Module      string    `json:"module"` // module root
	WorkDir     string    `json:"workdir"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
	Budget      Duration  `json:"budget,omitzero"`     // total fuzzing wall time, if set
	PerTarget   Duration  `json:"per_target,omitzero"` // per-target fuzzing time, if set
	Jobs        int       `json:"jobs"`
	Parallel    int       `json:"parallel"` // workers per fuzzing process
	Interrupted bool      `json:"interrupted"`
	// RunnerCPU is the CPU time fuzzrun itself used (user+sys seconds, its
	// own process only): its overhead beside the fuzzing processes.
	RunnerCPU float64         `json:"runner_cpu_seconds"`
	Targets   []TargetSummary `json:"targets"`
	Crashes   []CrashRef      `json:"crashes"`
}

// TargetSummary is one target's part of a run.
type TargetSummary struct {
	ID      string `json:"id"` // pkgdir:FuzzXxx
	Name    string `json:"name"`
	Package string `json:"package"`
	Dir     string `json:"dir"`
	Format  string `json:"format,omitempty"`
	Status  string `json:"status"` // StatusOK, StatusCrashed, StatusNotFuzzed, StatusSkipped, StatusFailed, StatusInterrupted, StatusNotRun
	Slices  int    `json:"slices"`
	// Fuzzed is the fuzzing time: from the end of each process's baseline
	// coverage pass to its end. Baseline is the time its processes spent
	// starting and in that pass.
	Fuzzed      Duration `json:"fuzzed"`
	Baseline    Duration `json:"baseline"`
	Execs       int64    `json:"execs"`         // fuzzing executions (the baseline pass's are not counted by Go)
	ExecsPerSec float64  `json:"execs_per_sec"` // Execs / Fuzzed seconds
	New         int      `json:"new"`           // new interesting inputs
	Corpus      int      `json:"corpus"`        // work corpus entries (what the next run resumes from)
	Crashes     int      `json:"crashes"`
	Restarts    int      `json:"restarts"` // processes started again after a crash
	// Skipped are the signature ids, stored earlier in the run, that the
	// guard skipped in this target's later processes instead of stopping.
	Skipped     []string `json:"skipped,omitempty"`
	Quarantined []string `json:"quarantined,omitempty"` // corpus entries moved aside, by new path
	Error       string   `json:"error,omitempty"`
}

// Target statuses.
const (
	StatusOK      = "ok"
	StatusCrashed = "crashed"
	// StatusNotFuzzed is a target that ran but did no fuzzing execution:
	// its slices ended in the baseline pass (a budget too small for it).
	StatusNotFuzzed = "not fuzzed"
	// StatusSkipped is a target that skipped itself (f.Skip: a capability
	// or a file it needs is missing here); Error holds its reason.
	StatusSkipped     = "skipped"
	StatusFailed      = "failed" // could not fuzz: a build error, a failing seed
	StatusInterrupted = "interrupted"
	StatusNotRun      = "not run"
)

// CrashRef is one crash a run found, as the crash callback filed it.
type CrashRef struct {
	Target string    `json:"target"` // pkgdir:FuzzXxx
	Kind   string    `json:"kind,omitempty"`
	ID     string    `json:"id,omitempty"`   // the store's signature id
	Path   string    `json:"path,omitempty"` // where it was stored
	New    bool      `json:"new"`            // a signature the store had not seen
	Title  string    `json:"title,omitempty"`
	Seen   time.Time `json:"seen"`
}

// Write stores s at path atomically.
func (s *Summary) Write(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o644)
}

// ReadSummary reads the summary at path (Dir.SummaryPath), as Write left it.
func ReadSummary(path string) (*Summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read run summary %s: %w", path, err)
	}
	return &s, nil
}

// Duration is a time.Duration that reads and writes JSON as seconds.
type Duration time.Duration

// Std is d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Seconds())
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s float64
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*d = Duration(s * float64(time.Second))
	return nil
}
