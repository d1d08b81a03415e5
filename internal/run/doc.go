// Package run owns a fuzzing run of many targets: the Runner builds the
// test binaries, schedules slices of fuzzing on a pool of workers
// (internal/schedule), moves unusable work corpus entries aside, hands
// crashes to a callback, writes the stats series and the summary, and
// reports progress to a Display. The work directory it writes (layout,
// lock, stats, summary) is described by internal/workdir.
package run
