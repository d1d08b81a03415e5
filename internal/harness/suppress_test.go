package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// fakeT records what Check did to it.
type fakeT struct {
	skipped, fatal []any
}

func (f *fakeT) Helper()           {}
func (f *fakeT) Fatal(args ...any) { f.fatal = append(f.fatal, args...) }
func (f *fakeT) Skip(args ...any)  { f.skipped = append(f.skipped, args...) }

// useSuppressions replaces the process's suppression list for one test.
func useSuppressions(t *testing.T, ids ...string) {
	t.Helper()
	suppressOnce.Do(func() {})
	old := suppressed
	suppressed = map[string]string{}
	for _, id := range ids {
		suppressed[id] = "test"
	}
	suppressPath = "testdata/suppressions.txt"
	t.Cleanup(func() { suppressed = old })
}

var errBoom = errors.New("decode: boom")

//go:noinline
func indexBody(data []byte) error { _ = data[len(data)+3]; return nil }

//go:noinline
func errorBody([]byte) error { panic(errBoom) }

// idOf is the signature id of body's panic as computed from a plain,
// unguarded recover: what the guard must agree with.
func idOf(body func([]byte) error) (id string) {
	defer func() { id = signature.FromPanic(recover(), debug.Stack()).Sig.ID() }()
	body([]byte("x"))
	return ""
}

func TestGuardRepanicsUnsuppressed(t *testing.T) {
	useSuppressions(t, idOf(indexBody)) // a different bug is suppressed
	ft := &fakeT{}
	var got any
	func() {
		defer func() { got = recover() }()
		Check(ft, []byte("x"), errorBody)
	}()
	if got != errBoom {
		t.Fatalf("recovered %v (%T), want the original value %v", got, got, errBoom)
	}
	if len(ft.skipped) != 0 || len(ft.fatal) != 0 {
		t.Errorf("t was told something: %+v", ft)
	}
}

func TestGuardSkipsSuppressed(t *testing.T) {
	useSuppressions(t, idOf(errorBody))
	ft := &fakeT{}
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Fatalf("suppressed crash propagated: %v", v)
			}
		}()
		Check(ft, []byte("x"), errorBody)
	}()
	if len(ft.skipped) != 1 || len(ft.fatal) != 0 {
		t.Fatalf("want one skip: %+v", ft)
	}
	if msg := fmt.Sprint(ft.skipped...); msg == "" || !strings.Contains(msg, idOf(errorBody)) {
		t.Errorf("skip message %q does not name the id", msg)
	}
}

// With a real *testing.T, the skip happens from the deferred guard after
// recover, and the test is skipped, not failed.
func TestGuardSkipsRealTest(t *testing.T) {
	useSuppressions(t, idOf(indexBody))
	var skipped bool
	t.Run("input", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Check(t, []byte("x"), indexBody)
	})
	if !skipped {
		t.Fatal("suppressed crash did not skip the test")
	}
}

func TestViolationSuppression(t *testing.T) {
	violated := func([]byte) error {
		return fmt.Errorf("compress=true: %w", Violated("roundtrip", "Answer[3].Hdr", "%d != %d", 1, 2))
	}
	other := func([]byte) error { return Violated("roundtrip", "Ns[0].Hdr", "x") }
	useSuppressions(t, signature.Oracle("roundtrip", "Answer[0].Hdr").ID())

	ft := &fakeT{}
	Check(ft, nil, violated)
	if len(ft.skipped) != 1 || len(ft.fatal) != 0 {
		t.Errorf("suppressed violation: %+v", ft)
	}
	ft = &fakeT{}
	Check(ft, nil, other)
	if len(ft.skipped) != 0 || len(ft.fatal) != 1 {
		t.Errorf("other violation: %+v", ft)
	}
}

// With NoSuppressEnv set (triage's replays), nothing is suppressed.
func TestNoSuppressEnv(t *testing.T) {
	t.Setenv(NoSuppressEnv, "1")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "crashers"), 0o755)
	os.WriteFile(filepath.Join(dir, "crashers", "suppressions.txt"), []byte(idOf(errorBody)+" test\n"), 0o644)
	t.Chdir(dir)
	suppressOnce = sync.Once{}
	suppressed = nil
	t.Cleanup(func() { suppressOnce = sync.Once{}; suppressed = nil })
	if _, ok := isSuppressed(idOf(errorBody)); ok {
		t.Fatal("suppressed with the guard turned off")
	}
	os.Unsetenv(NoSuppressEnv)
	suppressOnce = sync.Once{}
	if _, ok := isSuppressed(idOf(errorBody)); !ok {
		t.Fatal("the list was not loaded from crashers/suppressions.txt above the working directory")
	}
}
