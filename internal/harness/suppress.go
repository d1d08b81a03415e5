package harness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// The suppression guard: a crash whose exact signature id is listed in the
// crash store's suppressions.txt is skipped instead of failing, so fuzzing
// can continue past a known, reported bug in a dependency. Anything else,
// including a different crash in the same function, propagates unchanged.

// NoSuppressEnv, when set in the environment, turns the guard off: triage
// sets it for its replays, which must see every crash, suppressed or not.
const NoSuppressEnv = "DAEMONFUZZ_NO_SUPPRESS"

// Strict reports whether NoSuppressEnv is set. Targets that tolerate a
// known, reported dependency bug in their own oracle code (a documented
// normal form, a divergence kept in the crash store) check it and tolerate
// nothing when it is true, so triage's replays reproduce those crashers as
// they reproduce suppressed panics, and a dependency fix shows as fixed.
// One switch for every known-bug mechanism: there is no per-suite flag.
func Strict() bool { return strict }

var strict = os.Getenv(NoSuppressEnv) != ""

var (
	suppressOnce sync.Once
	suppressed   map[string]string
	suppressPath string
)

// loadSuppressions reads the suppression list of the module holding the
// working directory, once per process and only when a crash needs it. A
// list that does not parse is reported on stderr and treated as empty: a
// bad list must never hide crashes.
func loadSuppressions() {
	suppressOnce.Do(func() {
		if os.Getenv(NoSuppressEnv) != "" {
			return
		}
		wd, err := os.Getwd()
		if err != nil {
			return
		}
		path, err := signature.FindSuppressions(wd)
		if err != nil {
			return
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err == nil {
			suppressed, err = signature.ParseSuppressions(path, data)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "daemonfuzz: ignoring the suppression list: %v\n", err)
			suppressed = nil
			return
		}
		suppressPath = path
	})
}

// isSuppressed reports whether id is listed, and the message to skip with.
func isSuppressed(id string) (string, bool) {
	loadSuppressions()
	reason, ok := suppressed[id]
	if !ok {
		return "", false
	}
	return fmt.Sprintf("daemonfuzz: known crash %s suppressed by %s (%s)", id, suppressPath, reason), true
}

// guard is deferred by Check. It recovers a panic only to compute its
// signature: a suppressed one skips the input, any other is re-panicked
// with its original value while the panicking frames are still on the stack.
func guard(t T) {
	v := recover()
	if v == nil {
		return // no panic (or runtime.Goexit from t.Fatal/t.Skip)
	}
	c := signature.FromPanic(v, debug.Stack())
	if msg, ok := isSuppressed(c.Sig.ID()); ok {
		t.Skip(msg)
		return
	}
	panic(v)
}

// skipViolation skips t when err is an oracle violation whose signature is
// suppressed.
func skipViolation(t T, err error) bool {
	var v *Violation
	if !errors.As(err, &v) {
		return false
	}
	msg, ok := isSuppressed(signature.OracleViolation(v.Oracle, v.Field, v.Detail).ID())
	if ok {
		t.Skip(msg)
	}
	return ok
}
