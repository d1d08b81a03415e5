package ntpfuzz

import (
	"bytes"
	"testing"

	"github.com/facebook/time/leapsectz"
)

// This test pins the known leapsectz bug leapbugs.go tolerates. When a
// facebook/time upgrade fixes it, the test fails: drop the tolerance.

func TestKnownLeapV1Truncation(t *testing.T) {
	var b bytes.Buffer
	if err := leapsectz.Write(&b, 0, []leapsectz.LeapSecond{{Tleap: 1<<32 + 7, Nleap: 1}}, "UTC"); err != nil {
		t.Fatalf("leapsectz.Write now refuses a 64-bit time in a version 1 file (%v): drop v1Truncated.s tolerance in leapRoundTrip, which accepts the refusal", err)
	}
	ls, err, bad := parseLeapBytes(b.Bytes())
	if err != nil || bad != nil || ls[0].Tleap != 7 {
		t.Fatalf("read back %+v %v %v, want the truncated time 7", ls, err, bad)
	}
}
