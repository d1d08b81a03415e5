package engine

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestParseLine checks the parser against lines Go 1.26's fuzzing engine
// printed (testdata/output.txt), one expected event per line.
func TestParseLine(t *testing.T) {
	data, err := os.ReadFile("testdata/output.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{Kind: EventBaseline, Done: 0, Total: 204},
		{Kind: EventFuzzing, Elapsed: time.Second, Done: 204, Total: 204, Workers: 1},
		{Kind: EventProgress, Elapsed: 3 * time.Second, Execs: 204, ExecsPerSec: 68, New: 0, Corpus: 204},
		{Kind: EventProgress, Elapsed: 65 * time.Second, Execs: 6844, ExecsPerSec: 3147, New: 113, Corpus: 317},
		{Kind: EventFail, Name: "FuzzParse"},
		{Kind: EventFail, Name: "FuzzParse"},
		{}, {}, {}, {}, {}, {}, {},
		{Kind: EventCrashFile, Path: "testdata/fuzz/FuzzParse/0c92d224d75a03fe"},
		{}, {}, {},
		{Kind: EventUnexpected},
		{},
		{Kind: EventNoCoverage},
		{},
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines in testdata, %d expected events", len(lines), len(want))
	}
	for i, line := range lines {
		if diff := cmp.Diff(want[i], ParseLine(line)); diff != "" {
			t.Errorf("line %d %q (-want +got):\n%s", i+1, line, diff)
		}
	}
}

func TestReadOutput(t *testing.T) {
	f, err := os.Open("testdata/output.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int
	st := readOutput(f, func(Event) { n++ })
	if st.crashPath != "testdata/fuzz/FuzzParse/0c92d224d75a03fe" {
		t.Errorf("crashPath = %q", st.crashPath)
	}
	if !st.unexpected || st.seedFailure != "FuzzParse/seed#0" {
		t.Errorf("unexpected = %v, seedFailure = %q", st.unexpected, st.seedFailure)
	}
	if !strings.HasPrefix(string(st.failure), "--- FAIL: FuzzParse") || !strings.Contains(string(st.failure), "planted bug") {
		t.Errorf("failure output does not start at --- FAIL or lacks the panic:\n%s", st.failure)
	}
	if n != 9 {
		t.Errorf("%d events, want 9", n)
	}
}

func TestDeadlineOnlyFailureIsTheEndOfASlice(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		want      bool
	}{
		{"coordinator deadline", "fuzz: elapsed: 6s, execs: 21730 (4685/sec), new interesting: 0 (total: 33)\n--- FAIL: FuzzClean (5.65s)\n    context deadline exceeded\nFAIL\n", true},
		{"a real failure", "--- FAIL: FuzzX (0.10s)\n    --- FAIL: FuzzX (0.00s)\n        x_test.go:9: boom\n    Failing input written to testdata/fuzz/FuzzX/abc\nFAIL\n", false},
		{"deadline plus another message", "--- FAIL: FuzzX (5.00s)\n    context deadline exceeded\n    fuzzing process hung or terminated unexpectedly: exit status 2\nFAIL\n", false},
		{"no failure", "fuzz: elapsed: 3s, execs: 10 (3/sec), new interesting: 0 (total: 1)\nPASS\n", false},
	} {
		st := readOutput(strings.NewReader(tc.out), func(Event) {})
		if got := st.deadlineOnly(); got != tc.want {
			t.Errorf("%s: deadlineOnly = %v, want %v", tc.name, got, tc.want)
		}
	}
}
