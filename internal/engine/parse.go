package engine

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// EventKind says what one line of a fuzz process's output reported.
type EventKind int

const (
	EventNone       EventKind = iota
	EventBaseline             // gathering baseline coverage: Done/Total
	EventFuzzing              // baseline done, now fuzzing with Workers workers
	EventProgress             // elapsed/execs/new interesting line
	EventFail                 // "--- FAIL: Name": the target failed
	EventCrashFile            // "Failing input written to Path"
	EventUnexpected           // a worker died: "fuzzing process hung or terminated unexpectedly"
	EventNoCoverage           // the binary lacks coverage instrumentation
)

// Event is one parsed output line. Only the fields of its Kind are set.
type Event struct {
	Kind        EventKind
	Elapsed     time.Duration // as printed, whole seconds since the process began fuzzing
	Execs       int64         // executions in this process so far
	ExecsPerSec float64       // the interval rate Go printed
	New         int           // new interesting inputs found by this process
	Corpus      int           // seed plus cached corpus entries now
	Done, Total int           // baseline progress
	Workers     int
	Name        string // EventFail: the failing test's name
	Path        string // EventCrashFile: path relative to the package directory
}

var (
	progressRE = regexp.MustCompile(`^fuzz: elapsed: (\S+), execs: (\d+) \((\d+(?:\.\d+)?)/sec\), new interesting: (\d+) \(total: (\d+)\)$`)
	baselineRE = regexp.MustCompile(`^fuzz: elapsed: (\S+), gathering baseline coverage: (\d+)/(\d+) completed(?:, now fuzzing with (\d+) workers)?$`)
	failRE     = regexp.MustCompile(`^--- FAIL: (\S+)`)
	crashRE    = regexp.MustCompile(`^Failing input written to (\S+)$`)
)

// ParseLine parses one line of output of a `-test.fuzz` process. Lines it
// does not know (test logs, stacks) give EventNone.
func ParseLine(line string) Event {
	line = strings.TrimSpace(line)
	if m := progressRE.FindStringSubmatch(line); m != nil {
		return Event{
			Kind:        EventProgress,
			Elapsed:     parseDur(m[1]),
			Execs:       atoi64(m[2]),
			ExecsPerSec: atof(m[3]),
			New:         int(atoi64(m[4])),
			Corpus:      int(atoi64(m[5])),
		}
	}
	if m := baselineRE.FindStringSubmatch(line); m != nil {
		e := Event{Kind: EventBaseline, Elapsed: parseDur(m[1]), Done: int(atoi64(m[2])), Total: int(atoi64(m[3]))}
		if m[4] != "" {
			e.Kind, e.Workers = EventFuzzing, int(atoi64(m[4]))
		}
		return e
	}
	if m := failRE.FindStringSubmatch(line); m != nil {
		return Event{Kind: EventFail, Name: m[1]}
	}
	if m := crashRE.FindStringSubmatch(line); m != nil {
		return Event{Kind: EventCrashFile, Path: m[1]}
	}
	if strings.Contains(line, "fuzzing process hung or terminated unexpectedly") {
		return Event{Kind: EventUnexpected}
	}
	if strings.HasPrefix(line, "warning: the test binary was not built with coverage instrumentation") {
		return Event{Kind: EventNoCoverage}
	}
	return Event{}
}

func parseDur(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}
