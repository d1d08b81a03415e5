// Package harness is the plumbing every daemonfuzz fuzz target shares, so
// that a FuzzXxx wrapper is only seeds and a call:
//
//	func FuzzWire(f *testing.F) {
//		harness.Seed(f, "dns-wire", handMadeSeeds...)
//		f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, dnsfuzz.Wire) })
//	}
//
// Seed loads the repository's corpus/<format>/ into the fuzz test, Check runs a
// target body and turns an oracle violation into a failure whose text triage
// parses (see Violation). Both accept the small interfaces below instead of
// *testing.F and *testing.T, so the same wrappers build under OSS-Fuzz's
// go-118-fuzz-build testing shim.
package harness

import (
	"os"
	"sync"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// F is the part of *testing.F that Seed uses.
type F interface {
	Helper()
	Add(args ...any)
	Fatalf(format string, args ...any)
}

// T is the part of *testing.T that Check uses.
type T interface {
	Helper()
	Fatal(args ...any)
	Skip(args ...any)
}

// Seed adds the hand-made seeds and every file of corpus/<format>/ to f as
// []byte arguments. A missing, empty or unreadable corpus fails the test
// with the path, never yields zero seeds silently.
func Seed(f F, format string, handmade ...[]byte) {
	f.Helper()
	for _, s := range handmade {
		f.Add(s)
	}
	seeds, err := LoadCorpus(format)
	if err != nil {
		f.Fatalf("daemonfuzz: %v", err)
		return
	}
	for _, s := range seeds {
		f.Add(s.Data)
	}
}

// LoadCorpus reads corpus/<format>/ of the module holding the working
// directory (go test runs a package's tests in its own directory). The
// result is kept per directory and format for the life of the process:
// OSS-Fuzz's go-118-fuzz-build calls each FuzzXxx, and so Seed, once per
// input.
func LoadCorpus(format string) ([]corpus.Seed, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	key := corpusKey{wd, format}
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if l, ok := loaded[key]; ok {
		return l.seeds, l.err
	}
	seeds, err := loadCorpus(wd, format)
	loaded[key] = corpusLoad{seeds, err}
	return seeds, err
}

type corpusKey struct{ wd, format string }

type corpusLoad struct {
	seeds []corpus.Seed
	err   error
}

var (
	loadedMu sync.Mutex
	loaded   = map[corpusKey]corpusLoad{}
)

func loadCorpus(wd, format string) ([]corpus.Seed, error) {
	root, err := corpus.FindRoot(wd)
	if err != nil {
		return nil, err
	}
	return corpus.Dir{Root: root, Format: format}.Seeds()
}

// Check runs body on data and fails t with the error body returns. A panic
// propagates with its original value, so the fuzzing engine records it with
// its stack, unless its exact signature is in the crash store's suppression
// list (crashers/suppressions.txt): then, like an oracle violation with a
// suppressed signature, the input is skipped (see suppress.go).
func Check(t T, data []byte, body func([]byte) error) {
	t.Helper()
	defer guard(t)
	if err := body(data); err != nil {
		if skipViolation(t, err) {
			return
		}
		t.Fatal(err)
	}
}
