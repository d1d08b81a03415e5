package minimize

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"sync/atomic"
	"testing"
	"time"
)

// crashesOn is a stand-in for a replay: the "bug" needs the bytes "BUG"
// somewhere followed, anywhere later, by a 0x42 byte.
func crashesOn(_ context.Context, b []byte) (bool, error) {
	i := bytes.Index(b, []byte("BUG"))
	return i >= 0 && bytes.IndexByte(b[i+3:], 0x42) >= 0, nil
}

func noisy(n int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.Intn(26))
	}
	copy(b[n/3:], "BUG")
	b[2*n/3] = 0x42
	return b
}

func TestMinimizeShrinksAndKeepsCrash(t *testing.T) {
	for _, n := range []int{8, 100, 1000} {
		in := noisy(n, int64(n))
		var calls atomic.Int64
		test := func(ctx context.Context, b []byte) (bool, error) {
			calls.Add(1)
			return crashesOn(ctx, b)
		}
		res, err := Minimize(context.Background(), in, test, Options{Workers: 4})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if ok, _ := crashesOn(context.Background(), res.Input); !ok {
			t.Fatalf("n=%d: result %q does not crash", n, res.Input)
		}
		if want := []byte("BUG\x42"); !bytes.Equal(res.Input, want) {
			t.Errorf("n=%d: minimised to %q, want %q", n, res.Input, want)
		}
		if !res.Complete || int64(res.Runs) != calls.Load() {
			t.Errorf("n=%d: complete=%v runs=%d calls=%d", n, res.Complete, res.Runs, calls.Load())
		}
	}
}

func TestMinimizeZeroes(t *testing.T) {
	// The crash needs length 6 and byte 2 == 'x': everything else can be
	// zeroed but not removed.
	test := func(_ context.Context, b []byte) (bool, error) { return len(b) == 6 && b[2] == 'x', nil }
	res, err := Minimize(context.Background(), []byte("abxdef"), test, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte("\x00\x00x\x00\x00\x00"); !bytes.Equal(res.Input, want) {
		t.Errorf("got %q, want %q", res.Input, want)
	}
}

// The result does not depend on the number of workers.
func TestMinimizeDeterministic(t *testing.T) {
	in := noisy(300, 7)
	var first []byte
	for _, w := range []int{1, 2, 3, 8} {
		res, err := Minimize(context.Background(), in, crashesOn, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res.Input
		} else if !bytes.Equal(first, res.Input) {
			t.Errorf("workers=%d: %q, want %q", w, res.Input, first)
		}
	}
}

func TestMinimizeNotReproducing(t *testing.T) {
	_, err := Minimize(context.Background(), []byte("fine"), crashesOn, Options{})
	if !errors.Is(err, ErrNotReproducing) {
		t.Fatalf("err = %v", err)
	}
}

// A budget stops minimisation with the best input so far and no error.
func TestMinimizeBudget(t *testing.T) {
	in := noisy(2000, 3)
	slow := func(ctx context.Context, b []byte) (bool, error) {
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			return false, ctx.Err()
		}
		return crashesOn(ctx, b)
	}
	res, err := Minimize(context.Background(), in, slow, Options{Workers: 1, MaxRuns: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || res.Runs > 20 || len(res.Input) > len(in) {
		t.Errorf("runs %d complete %v len %d", res.Runs, res.Complete, len(res.Input))
	}
	if ok, _ := crashesOn(context.Background(), res.Input); !ok {
		t.Error("budget-limited result does not crash")
	}
}

func TestMinimizeTestError(t *testing.T) {
	boom := errors.New("replay broke")
	n := 0
	test := func(_ context.Context, b []byte) (bool, error) {
		n++
		if n > 1 {
			return false, boom
		}
		return true, nil
	}
	res, err := Minimize(context.Background(), []byte("abcd"), test, Options{Workers: 1})
	if !errors.Is(err, boom) || string(res.Input) != "abcd" {
		t.Fatalf("res %q err %v", res.Input, err)
	}
}

// A batch tester gives the result candidate-by-candidate testing gives, in
// few batches of at most Workers candidates (more candidates, fewer process
// starts), and reports progress after each.
func TestMinimizeBatch(t *testing.T) {
	in := noisy(300, 7)
	want, err := Minimize(context.Background(), in, crashesOn, Options{Workers: 64})
	if err != nil {
		t.Fatal(err)
	}
	batches, progress := 0, 0
	batch := func(ctx context.Context, cands [][]byte) ([]bool, error) {
		batches++
		if len(cands) > 64 {
			t.Errorf("batch of %d candidates, more than Workers", len(cands))
		}
		out := make([]bool, len(cands))
		for i, c := range cands {
			out[i], _ = crashesOn(ctx, c)
		}
		return out, nil
	}
	got, err := Minimize(context.Background(), in, nil, Options{Workers: 64, Batch: batch, Progress: func(runs, best int) { progress++ }})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Input, want.Input) || batches == 0 || batches > 30 || progress != batches {
		t.Fatalf("batch: %q in %d runs (%d batches, %d progress calls); per candidate: %q in %d runs", got.Input, got.Runs, batches, progress, want.Input, want.Runs)
	}
	failing := func(context.Context, [][]byte) ([]bool, error) { return nil, errors.New("process died") }
	if _, err := Minimize(context.Background(), in, nil, Options{Batch: failing}); err == nil || err.Error() != "process died" {
		t.Errorf("batch error: %v", err)
	}
}
