package htmlreport

import (
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

func TestFindPlateau(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	r1, r2 := t0, t0.Add(time.Hour)
	pt := func(r time.Time, min int, newIn, corpus int) workdir.StatPoint {
		return workdir.StatPoint{Time: t0.Add(time.Duration(min) * time.Minute), Run: r, New: newIn, Corpus: corpus}
	}
	for _, tc := range []struct {
		name   string
		points []workdir.StatPoint
		idle   time.Duration
	}{
		{"empty", nil, 0},
		{"still growing", []workdir.StatPoint{pt(r1, 0, 0, 5), pt(r1, 1, 1, 6), pt(r1, 2, 2, 7)}, 0},
		{"flat for 9 minutes", []workdir.StatPoint{pt(r1, 0, 0, 5), pt(r1, 1, 3, 8), pt(r1, 10, 3, 8)}, 9 * time.Minute},
		{"second run found more", []workdir.StatPoint{pt(r1, 0, 0, 5), pt(r1, 5, 0, 5), pt(r2, 60, 0, 9), pt(r2, 70, 0, 9)}, 10 * time.Minute},
		{"second run resumed flat", []workdir.StatPoint{pt(r1, 0, 0, 5), pt(r1, 5, 0, 5), pt(r2, 60, 0, 5)}, 60 * time.Minute},
	} {
		if got := FindPlateau(tc.points).Idle; got != tc.idle {
			t.Errorf("%s: idle %v, want %v", tc.name, got, tc.idle)
		}
	}
}
