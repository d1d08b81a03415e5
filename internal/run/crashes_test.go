package run

import (
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

func TestGroupCrashes(t *testing.T) {
	now := time.Now()
	cs := []workdir.CrashRef{
		{Target: "a:F", Path: "crashers/a.F/1", New: true, Seen: now},
		{Target: "a:F", Path: "crashers/a.F/1", Seen: now.Add(time.Second)},
		{Target: "a:F", Path: "crashers/a.F/2", New: true, Seen: now},
		{Target: "a:F", Seen: now},
		{Target: "a:F", Seen: now.Add(time.Second)},
	}
	g := groupCrashes(cs)
	if len(g) != 4 || g[0].count != 2 || !g[0].New || g[1].count != 1 {
		t.Errorf("groups = %+v", g)
	}
}
