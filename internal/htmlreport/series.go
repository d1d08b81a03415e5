package htmlreport

import (
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// Plateau says how long a target has gone without a new input. Since is
// the time of the last point that grew the corpus (or the first point, if
// none did), Idle the time from it to the last point.
type Plateau struct {
	Since time.Time
	Idle  time.Duration
}

// FindPlateau returns the plateau at the end of points, which must be in
// time order. A point grows the corpus when its New count rose within its
// run, or when it starts a run with a larger corpus than the last point.
func FindPlateau(points []workdir.StatPoint) Plateau {
	if len(points) == 0 {
		return Plateau{}
	}
	since := points[0].Time
	for i := 1; i < len(points); i++ {
		prev, p := points[i-1], points[i]
		sameRun := p.Run.Equal(prev.Run)
		if sameRun && p.New > prev.New || !sameRun && (p.New > 0 || p.Corpus > prev.Corpus) {
			since = p.Time
		}
	}
	last := points[len(points)-1].Time
	return Plateau{Since: since, Idle: last.Sub(since)}
}
