// Package engine owns driving Go's native fuzzing engine: it builds one
// instrumented test binary per package, runs `-test.fuzz` processes with
// fuzzrun's own work corpus as their cache directory, turns their output
// lines into typed events (parse.go is the one place that knows Go's
// output), hands each failure to a callback as a Crash with the failing input
// moved out of the package's testdata, and stops every process it starts:
// SIGINT to the process group, then SIGKILL after a grace period.
//
// Go's engine has no per-input hang timer and no memory limit, so the engine
// adds both as watchdogs over the process tree: a worker whose executions
// stall or whose resident memory passes a limit is sent SIGABRT, which makes
// Go's coordinator record the input being executed as a crasher. The worker's
// own output goes nowhere in Go's design, so such crashes (and every
// "terminated unexpectedly" one) are replayed once with Replay to capture a
// stack.
package engine
