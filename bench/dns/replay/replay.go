// Package replay measures what a fuzz target covers: its test TestReplay
// feeds a target's seeds (optional) and the entries of a Go fuzz cache
// directory to the target's body, so `go test -coverpkg` reports the
// statement coverage of github.com/miekg/dns those inputs reach. The
// benchmark script bench/dns/run.sh drives it.
package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	dnsfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/dns"

	"github.com/daemonfuzz/daemonfuzz/bench/dns/baseline"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Target is a fuzz target body and the corpus format its wrapper seeds
// from ("" for none).
type Target struct {
	Body   func([]byte)
	Format string
}

func ignore(f func([]byte) error) func([]byte) { return func(b []byte) { _ = f(b) } }

// Targets maps FuzzXxx names to their bodies.
var Targets = map[string]Target{
	"FuzzWire":         {ignore(dnsfuzz.Wire), "dns-wire"},
	"FuzzRR":           {ignore(dnsfuzz.RR), "dns-zone"},
	"FuzzZone":         {ignore(dnsfuzz.Zone), "dns-zone"},
	"FuzzStructured":   {ignore(dnsfuzz.Structured), "dns-structured"},
	"FuzzTSIG":         {ignore(dnsfuzz.TSIG), "dns-wire"},
	"FuzzDifferential": {ignore(dnsfuzz.Differential), "dns-wire"},
	"FuzzDNSSEC":       {ignore(dnsfuzz.DNSSEC), "dns-structured"},
	"FuzzNames":        {ignore(dnsfuzz.Names), "dns-wire"},
	"FuzzTruncate":     {ignore(dnsfuzz.Truncate), "dns-wire"},
	"FuzzServer":       {ignore(dnsfuzz.Server), "dns-wire"},
	"FuzzOSSFuzz":      {baseline.OSSFuzz, ""},
	"FuzzOSSNewRR":     {baseline.OSSNewRR, ""},
	"FuzzNaiveUnpack":  {baseline.NaiveUnpack, ""},
}

// Inputs returns the target's seeds (when withSeeds) and every Go fuzz
// corpus file in cacheDirs, in a stable order.
func Inputs(name string, withSeeds bool, cacheDirs ...string) ([][]byte, error) {
	t, ok := Targets[name]
	if !ok {
		return nil, fmt.Errorf("replay: unknown target %q", name)
	}
	var out [][]byte
	if withSeeds && t.Format != "" {
		seeds, err := harness.LoadCorpus(t.Format)
		if err != nil {
			return nil, err
		}
		for _, s := range seeds {
			out = append(out, s.Data)
		}
	}
	for _, dir := range cacheDirs {
		if dir == "" {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("replay: read %s: %w", f, err)
			}
			data, err := corpusfile.Decode(b)
			if err != nil {
				return nil, fmt.Errorf("replay: %s: %w", f, err)
			}
			out = append(out, data)
		}
	}
	return out, nil
}
