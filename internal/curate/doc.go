// Package curate owns deciding which inputs a corpus keeps by the code they
// reach: merging a fuzzer's work corpus into corpus/<format>/ (only inputs
// that cover a block the corpus does not) and minimising a corpus directory
// (a greedy set cover of its inputs' blocks, smallest first), with
// internal/coverage doing the measuring and internal/corpus the storing.
// MergeWork and MinimizeFormats do that for a set of targets: the builds,
// the grouping by format, and (for merging) the work directory's lock.
package curate
