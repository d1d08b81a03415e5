package ntpfuzz

import (
	"bytes"
	"testing"

	"github.com/facebook/time/leapsectz"
)

// These tests pin the known leapsectz bugs leapbugs.go tolerates. When a
// facebook/time upgrade fixes one, its test fails: drop the tolerance.

func TestKnownLeapV1Unsigned(t *testing.T) {
	var b bytes.Buffer
	if err := leapsectz.Write(&b, 0, []leapsectz.LeapSecond{{Tleap: uint64(uint32(0xfffffffb)), Nleap: 1}}, "UTC"); err != nil {
		t.Fatal(err)
	}
	ls, err, bad := parseLeapBytes(b.Bytes())
	if err != nil || bad != nil {
		t.Fatal(err, bad)
	}
	ref, rerr := readTZif(b.Bytes())
	if rerr != nil || ref.Leaps[0].Occur != -5 {
		t.Fatalf("RFC 9636 reader: %+v %v, want the signed time -5", ref, rerr)
	}
	if !v1Unsigned(0, ls[0].Tleap, -5) {
		t.Fatalf("leapsectz now reads the version 1 time -5 as %d: drop the v1Unsigned tolerance", int64(ls[0].Tleap))
	}
}

func TestKnownLeapV1Truncation(t *testing.T) {
	var b bytes.Buffer
	if err := leapsectz.Write(&b, 0, []leapsectz.LeapSecond{{Tleap: 1<<32 + 7, Nleap: 1}}, "UTC"); err != nil {
		t.Fatalf("leapsectz.Write now refuses a 64-bit time in a version 1 file (%v): make v1Truncated's check strict", err)
	}
	ls, err, bad := parseLeapBytes(b.Bytes())
	if err != nil || bad != nil || ls[0].Tleap != 7 {
		t.Fatalf("read back %+v %v %v, want the truncated time 7", ls, err, bad)
	}
}
