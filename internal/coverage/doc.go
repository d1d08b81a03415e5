// Package coverage owns fuzzrun's measurement of the Go statement coverage
// that fuzz inputs reach, with the Go toolchain alone. It is shared by
// `fuzzrun corpus merge` and `corpus minimize` (which need the blocks each
// input covers on its own) and `fuzzrun coverage` (which needs a whole
// corpus's per-package statement coverage and an HTML report: Measure,
// which also keeps the result in fuzzrun's work directory).
//
// # How inputs reach the target without touching the source tree
//
// Build compiles the target's package with `go test -c -cover
// -covermode=atomic -coverpkg=...` and a build overlay (`go build -overlay`)
// that changes nothing on disk: it wraps the function the FuzzXxx test passes
// to f.Fuzz in fuzzrunCoverWrap (a one-call text splice in a copy of the test
// file, so line numbers are kept) and adds one generated test file holding
// that wrapper. When FUZZRUN_COVER_OUT names a file, the wrapper zeroes the
// binary's coverage counters before each input and after it appends a record
// with the subtest's name and the blocks whose counters are set. (It reads
// the counters through the same runtime hook internal/coverage/cfile uses,
// hence -ldflags=-checklinkname=0: runtime/coverage.ClearCounters refuses to
// work in a test binary before its exit-time metadata write.) Without the
// variable the wrapper returns the fuzz function unchanged.
//
// The binary then runs in a scratch directory laid out as the package
// directory would be: testdata/fuzz/<FuzzName>/ holds the inputs in Go's
// corpus file format (Go's testing package reads that path relative to the
// working directory, and runs each file as a subtest named after it), the
// package's other testdata entries are symlinked in, and a go.mod beside a
// corpus/ directory lets internal/harness.Seed find its seed corpus from the
// scratch directory; the module root's other entries are linked in, so
// lookups such as the crash store's suppression list resolve as well. So one process measures thousands of inputs, each on
// its own; a panicking or hanging input ends the process, is reported, and
// the rest run in a new process.
//
// A target's FuzzXxx must pass its fuzz function to f.Fuzz directly in its
// body (the pattern every daemonfuzz wrapper and nearly every Go fuzz test
// follows); Build reports clearly when it cannot find that call.
package coverage
