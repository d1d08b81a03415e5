package coverage

import (
	"bytes"
	"context"
	"testing"
)

// Outcomes runs every input in one process, panics included, and says how
// each ended with what tells crashes apart.
func TestOutcomesRecoverPanics(t *testing.T) {
	b := toy(t)
	inputs := [][]byte{[]byte("!!"), []byte("ab"), []byte("f1"), []byte("!!x"), []byte("ccc")}
	outs, err := b.Outcomes(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	want := []Status{Panicked, OK, Failed, Panicked, OK}
	for i, o := range outs {
		if o.Status != want[i] {
			t.Errorf("input %q: %v, want %v", inputs[i], o.Status, want[i])
		}
	}
	for _, i := range []int{0, 3} {
		if !bytes.HasPrefix(outs[i].Panic, []byte("toy: double bang\ngoroutine ")) || !bytes.Contains(outs[i].Panic, []byte("toy.Parse(")) {
			t.Errorf("input %q: panic record %q lacks the message and the panicking frame", inputs[i], outs[i].Panic)
		}
	}
	if !bytes.Contains(outs[2].Output, []byte("oracle toy violated at F: planted")) || !bytes.Contains(outs[2].Output, []byte("--- FAIL: FuzzParse/fz-")) {
		t.Errorf("failed input's output %q", outs[2].Output)
	}
}
