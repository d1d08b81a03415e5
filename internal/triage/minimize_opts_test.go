package triage

import "github.com/daemonfuzz/daemonfuzz/internal/minimize"

var minimizeOpts = minimize.Options{Workers: 2}
