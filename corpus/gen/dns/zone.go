package main

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// zoneFiles are the hand-written zone-file seeds. A line ";; @file NAME"
// starts a file of the in-memory file system the dns-zone targets give
// $INCLUDE (see fuzz/dns/text.go); to the zone parser it is a comment.
//
//go:embed zones/*.zone
var zoneFiles embed.FS

// zoneSeeds returns the zone files and every record of rrLines as a
// single-line seed (the shape dns.NewRR parses).
func zoneSeeds() ([]seed, error) {
	names, err := fs.Glob(zoneFiles, "zones/*.zone")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []seed
	for _, n := range names {
		b, err := zoneFiles.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", n, err)
		}
		out = append(out, seed{b, "zone file corpus/gen/dns/" + n})
	}
	for _, l := range rrLines {
		typ := strings.Fields(l)[3]
		out = append(out, seed{[]byte(l), "single " + typ + " record"})
	}
	return out, nil
}
