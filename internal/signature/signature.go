// Package signature owns daemonfuzz's crash identity: it turns a crash, seen
// either as `go test` output or in-process as a recovered panic and its stack,
// into a Signature that is the same for the same bug across runs, machines,
// input sizes and Go versions, and different for different bugs.
//
// A signature is the crash kind (a panic message normalised by a table of
// regexp replacements applied until stable, "hang", "oom", or an oracle's
// name and the field that disagreed) plus the top frames outside the Go
// runtime, testing, the fuzzing engine, the harness and the FuzzXxx wrappers,
// as function names only. Its ID is a short hash of its canonical text.
//
// The package is pure: no I/O, no global state beyond its tables.
package signature

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Kinds of crash.
const (
	KindPanic      = "panic"      // a Go panic
	KindFatal      = "fatal"      // a runtime fatal error (concurrent map writes, stack overflow, deadlock)
	KindHang       = "hang"       // ran past its per-input deadline
	KindOOM        = "oom"        // allocated past the memory limit
	KindOracle     = "oracle"     // a harness.Violation: an oracle's property broke
	KindFail       = "fail"       // the test failed some other way (t.Fatal text)
	KindTerminated = "terminated" // the fuzz worker died without saying why; replay to classify
)

// FrameDepth is how many frames outside the plumbing a signature keeps.
const FrameDepth = 3

// IDLen is the number of hex digits of the signature hash in an ID.
const IDLen = 12

// Signature identifies a bug. Two crashes are the same bug when their
// signatures' canonical texts are equal.
type Signature struct {
	Kind    string   // one of the Kind* constants
	Message string   // the normalised message ("runtime error: index out of range", "roundtrip at Answer.Hdr")
	Frames  []string // at most FrameDepth function names, innermost first
}

// Text is the canonical text the ID hashes: the kind and message on the first
// line and one frame per following line. It is stable by construction: every
// part of it is already normalised.
func (s Signature) Text() string {
	var b strings.Builder
	b.WriteString(s.Kind)
	if s.Message != "" {
		b.WriteString(": ")
		b.WriteString(s.Message)
	}
	b.WriteByte('\n')
	for _, f := range s.Frames {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return b.String()
}

// ID is the first IDLen hex digits of the SHA-256 of Text.
func (s Signature) ID() string {
	sum := sha256.Sum256([]byte(s.Text()))
	return hex.EncodeToString(sum[:])[:IDLen]
}

// IsZero reports whether s is the zero Signature.
func (s Signature) IsZero() bool { return s.Kind == "" }

// Title names the bug the way a person would: the package, what went wrong
// and where, for example "dns: index out of range in unpackDataSVCB".
// pkg is the package to name when no frame says (an oracle failure or a hang
// carries no frames of its own); where is the function to name in that case,
// for example the top frame of a hang's report-only stack. Either may be empty.
func (s Signature) Title(pkg, where string) string {
	what := s.Message
	switch s.Kind {
	case KindHang:
		what = "hang"
	case KindOOM:
		what = "out of memory"
	case KindOracle:
		what = "oracle " + strings.Replace(s.Message, " at ", " violated at ", 1)
	case KindTerminated:
		what = "fuzzing process hung or terminated"
	}
	what = strings.TrimPrefix(what, "runtime error: ")
	if f := titleFrame(s.Frames); f != "" {
		pkg, where = f.pkgName(), f.funcName()
	}
	t := what
	if where != "" && s.Kind != KindOracle {
		t += " in " + where
	}
	if pkg != "" && !strings.HasPrefix(t, pkg+": ") {
		t = pkg + ": " + t
	}
	return cut(t, 120)
}

// titleFrame picks the frame a title names: the first outside the standard
// library (the bug is in the code that called it), else the first.
func titleFrame(frames []string) frame {
	for _, f := range frames {
		if !frame(f).isStd() {
			return frame(f)
		}
	}
	if len(frames) > 0 {
		return frame(frames[0])
	}
	return ""
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
