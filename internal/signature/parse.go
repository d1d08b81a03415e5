package signature

import (
	"errors"
	"regexp"
	"strings"
)

// Crash is one parsed crash: its signature and what a report shows of it.
type Crash struct {
	Sig        Signature
	RawMessage string       // the message as printed, before normalisation
	Stack      []StackFrame // the code-under-test frames of the crashing goroutine
}

// Where is the function a title names when the signature has no frames of
// its own (a hang's stack is report-only): the top frame of Stack.
func (c Crash) Where() string {
	if len(c.Stack) == 0 {
		return ""
	}
	return frame(normFrame(c.Stack[0].Func)).funcName()
}

// Title is the signature's title, naming pkg when no frame names a package.
func (c Crash) Title(pkg string) string { return c.Sig.Title(pkg, c.Where()) }

// ErrNoCrash reports output in which no crash of any known form was found.
var ErrNoCrash = errors.New("no panic, fatal error, hang, out-of-memory or test failure found in the output")

var (
	panicLine     = regexp.MustCompile(`^(?:[\w.-]+\.go:\d+: )?panic: (.*)$`)
	timedOut      = regexp.MustCompile(`^(?:[\w.-]+\.go:\d+: )?panic: test timed out after `)
	fatalLine     = regexp.MustCompile(`^fatal error: (.*)$`)
	oomLine       = regexp.MustCompile(`^(fatal error: (runtime: )?out of memory|runtime: out of memory)`)
	oracleText    = regexp.MustCompile(`oracle (\S+) violated at (\S+?):(?: (.*))?$`)
	failLine      = regexp.MustCompile(`^[\w.-]+\.go:\d+: (.*)$`)
	workerDied    = "fuzzing process hung or terminated unexpectedly"
	failHeader    = "--- FAIL: "
	repanicMarker = regexp.MustCompile(`\s*\[recovered(, repanicked)?\]$`)
)

// Parse finds the crash in the output of `go test` (a plain run, a run of
// one corpus entry, or a -fuzz run) or of a test binary. hint, when not
// empty, is what the caller observed directly and overrides what the text
// says: KindHang for an input that ran past its deadline, KindOOM for one
// that passed its memory limit.
//
// Forms recognised, in order of precedence: "panic: test timed out" (hang),
// the runtime's out-of-memory fatal error, "panic: ..." with its goroutine
// trace (also indented under "testing.go:NNN: panic:" with -fuzz), any other
// "fatal error: ...", an oracle violation's t.Fatal text, any other test
// failure message, and the fuzz coordinator's "fuzzing process hung or
// terminated unexpectedly" (KindTerminated: the worker's own output is lost,
// so replay the input to classify it).
func Parse(out []byte, hint string) (Crash, error) {
	lines := strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	c, err := parse(lines)
	switch hint {
	case KindHang, KindOOM:
		if err != nil || c.Sig.Kind != hint {
			c = Crash{}
		}
		g, ok := targetGoroutine(lines)
		c.Sig = Signature{Kind: hint}
		if ok {
			c.Stack = g.trimmed()
			c.Sig.Frames = g.sigFrames()
		}
		return c, nil
	}
	return c, err
}

func parse(lines []string) (Crash, error) {
	for i, l := range lines {
		if timedOut.MatchString(strings.TrimSpace(l)) {
			return located(KindHang, strings.TrimSpace(l), lines[i:]), nil
		}
	}
	for i, l := range lines {
		if t := strings.TrimSpace(l); oomLine.MatchString(t) {
			return located(KindOOM, t, lines[i:]), nil
		}
	}
	for i, l := range lines {
		if m := panicLine.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return fromTrace(KindPanic, repanicMarker.ReplaceAllString(m[1], ""), lines[i:]), nil
		}
	}
	for i, l := range lines {
		if m := fatalLine.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return fromTrace(KindFatal, m[1], lines[i:]), nil
		}
	}
	for _, l := range lines {
		if m := oracleText.FindStringSubmatch(l); m != nil {
			return Crash{Sig: OracleViolation(m[1], m[2], m[3]), RawMessage: strings.TrimSpace(l)}, nil
		}
	}
	if c, ok := failure(lines); ok {
		return c, nil
	}
	for _, l := range lines {
		if strings.Contains(l, workerDied) {
			return Crash{Sig: Signature{Kind: KindTerminated}, RawMessage: strings.TrimSpace(l)}, nil
		}
	}
	return Crash{}, ErrNoCrash
}

// fromTrace builds a crash from a message and the first goroutine trace
// after it.
func fromTrace(kind, msg string, lines []string) Crash {
	c := Crash{RawMessage: msg, Sig: Signature{Kind: kind, Message: Normalize(msg)}}
	for i, l := range lines {
		if goroutineHeader.MatchString(strings.TrimLeft(l, " \t")) {
			g := parseGoroutine(lines[i:]).fromPanic()
			c.Sig.Frames = g.sigFrames()
			c.Stack = g.trimmed()
			break
		}
	}
	return c
}

// located is a hang or an out-of-memory crash: its signature frames are
// those of the goroutine running the fuzz function (the looping or
// allocating code), when the output holds its stack.
func located(kind, raw string, lines []string) Crash {
	c := Crash{Sig: Signature{Kind: kind}, RawMessage: raw}
	if g, ok := targetGoroutine(lines); ok {
		c.Stack = g.trimmed()
		c.Sig.Frames = g.sigFrames()
	}
	return c
}

// targetGoroutine returns the goroutine running the fuzz function with a
// stack of code under test. A goroutine the traceback could not show
// ("goroutine running on other thread; stack unavailable") has none: a hang
// replayed with GOTRACEBACK=crash and SIGQUIT prints it (see
// internal/engine's replay). When no goroutine runs the target, the first
// with code under test is taken.
func targetGoroutine(lines []string) (goroutine, bool) {
	gs := goroutines(lines)
	for _, g := range gs {
		if g.runsTarget() && len(g.trimmed()) > 0 {
			return g, true
		}
	}
	for _, g := range gs {
		if len(g.trimmed()) > 0 {
			return g, true
		}
	}
	return goroutine{}, false
}

// failure finds the first message logged by a failing test ("    file.go:12:
// message" under a "--- FAIL:" line).
func failure(lines []string) (Crash, bool) {
	inFail := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, failHeader) {
			inFail = true
			continue
		}
		if !inFail {
			continue
		}
		if m := failLine.FindStringSubmatch(t); m != nil {
			return Crash{Sig: Signature{Kind: KindFail, Message: Normalize(m[1])}, RawMessage: m[1]}, true
		}
	}
	return Crash{}, false
}

// Oracle is the signature of a harness.Violation without a deciding detail:
// the oracle's name and the field that disagreed, indexes stripped.
func Oracle(name, field string) Signature {
	return OracleViolation(name, field, "")
}

// OracleViolation is the signature of a harness.Violation: the oracle's
// name, the field that disagreed (indexes stripped) and the deciding detail
// of its Detail text (see OracleDetail), so that two root causes caught by
// one oracle step ("packed message does not unpack: dns: domain name
// exceeded N wire-format octets" against "...: dns: overflow unpacking hex")
// are two signatures. The harness's suppression guard and Parse both use it,
// so an id in crashers/suppressions.txt matches what the store shows.
func OracleViolation(name, field, detail string) Signature {
	msg := name + " at " + NormalizeField(field)
	if d := OracleDetail(detail); d != "" {
		msg += ": " + d
	}
	return Signature{Kind: KindOracle, Message: msg}
}
