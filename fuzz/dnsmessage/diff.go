package dnsmessagefuzz

import "github.com/daemonfuzz/daemonfuzz/internal/harness"

// firstDiff is harness.FirstDiff: the first differing field of two values,
// as a selector path.
var firstDiff = harness.FirstDiff
