package corednsfuzz

import (
	"runtime"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// leakSlack is how many goroutines over the count before a query may still
// be running once its reply arrived (the server's per-packet handler
// returning, a TCP connection's reader seeing EOF).
const leakSlack = 8

// leakWait bounds how long those may take to end on a starved machine.
const leakWait = 3 * time.Second

func goroutines() int { return runtime.NumGoroutine() }

// checkLeak reports goroutines a query left running: more than leakSlack
// over g0 that do not end within leakWait. Servers and the upstream are
// started before the first count, so their goroutines are in g0.
func checkLeak(g0 int) error {
	deadline := time.Now().Add(leakWait)
	for {
		n := goroutines()
		if n <= g0+leakSlack {
			return nil
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			return harness.Violated("leak", "Goroutines", "goroutines left running after the reply\n%d before the query, %d %v after its reply\n%s", g0, n, leakWait, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
