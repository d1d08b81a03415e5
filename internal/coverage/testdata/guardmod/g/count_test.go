package g

import (
	"os"
	"runtime/debug"
	"strconv"
	"testing"

	sig "example.com/guardmod/g/zz_fuzzrun_signature"
)

// TestGuardCount runs one input GUARD_N times through the guard's wrapper of
// a func(*testing.T, []byte), for instruction counts per input
// (bench/runner/guard.sh); it skips without GUARD_N. GUARD_CASE picks the
// input: plain (no wrapper), clean, panic (a known panic), fatal (a known
// t.Fatalf, each in its own goroutine, as t.Fatalf ends it) or plaingoro
// (no wrapper, own goroutine: fatal's baseline). It writes the known list
// (FUZZRUN_KNOWN) itself, signing the failures as the guard will see them.
func TestGuardCount(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GUARD_N"))
	if n == 0 {
		t.Skip("GUARD_N not set")
	}
	// Through two helpers, so the three frames a signature keeps are the
	// same under the probe below and under the guard.
	body := func(t *testing.T, b []byte) { countVia1(t, string(b)) }
	probe := func() (id string) {
		defer func() { id = sig.FromPanic(recover(), debug.Stack()).Sig.ID() }()
		body(t, []byte("known panic"))
		return ""
	}
	c, err := sig.Parse([]byte("--- FAIL: TestGuardCount (0.00s)\n    g.go:15: known failure\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("FUZZRUN_KNOWN"), []byte(probe()+"\n"+c.Sig.ID()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fn := fuzzrunWrap(body).(func(*testing.T, []byte))
	in, goro := "fine", false
	switch os.Getenv("GUARD_CASE") {
	case "plain":
		fn = body
	case "clean":
	case "panic":
		in = "known panic"
	case "fatal":
		in, goro = "known failure", true
	case "plaingoro":
		fn, goro = body, true
	default:
		t.Fatalf("GUARD_CASE %q", os.Getenv("GUARD_CASE"))
	}
	b := []byte(in)
	for range n {
		if goro {
			done := make(chan struct{})
			go func() { defer close(done); fn(t, b) }()
			<-done
		} else {
			fn(t, b)
		}
	}
	if t.Failed() {
		t.Fatal("the guard let a known failure through")
	}
}

func countVia1(t *testing.T, s string) { countVia2(t, s) }

func countVia2(t *testing.T, s string) { Check(t, s) }
