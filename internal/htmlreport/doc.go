// Package htmlreport owns `fuzzrun report -html`: one self-contained static
// page (no scripts, fonts or network) that shows, per target, corpus and
// coverage growth and execs/sec over time, whether the target has plateaued,
// the crash store as a table, and per-package statement coverage.
//
// The page is a view: Collect gathers a Page from a work directory's stats
// time series, the crash store and saved coverage reports; Write renders it
// and copies every file a link points at (report.md, reproducers, coverage
// views) next to it, so the directory can be uploaded as a CI artifact or
// published as it is and every link resolves. Charts are drawn to SVG by
// gonum.org/v1/plot and inlined.
package htmlreport
