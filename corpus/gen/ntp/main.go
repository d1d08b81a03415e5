// Command ntp regenerates daemonfuzz's hand-made NTP seeds: NTP packets of
// every version and mode with extension fields, legacy MACs and NTS
// (corpus/ntp), bare extension field lists (corpus/ntp-ef), NTS-KE records
// (corpus/ntske), chrony command replies (corpus/chrony) and ntpd mode 6
// control replies (corpus/ntp-control), plus files from Debian packages:
// tzdata's leap-second files (corpus/leap-tzif, corpus/leap-table) and the
// server addresses of chrony's and ntpsec's configuration examples
// (corpus/ntp-address, fetched with apt-get download), and reference
// clock SHM segments (corpus/ntp-shm). NTS seeds are sealed with the fixed
// keys of package ntpfuzz, so they verify in the fuzz targets.
//
// Run from the module root:
//
//	go run ./corpus/gen/ntp
//
// Seeds are content-addressed: re-running adds only what changed, and an
// existing seed keeps its first provenance.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// seed is one generated input and what it is.
type seed struct {
	format string
	kind   string // corpus.Kind*
	source string
	data   []byte
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "corpus/gen/ntp:", err)
		os.Exit(1)
	}
}

func run() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := corpus.FindRoot(wd)
	if err != nil {
		return fmt.Errorf("%w (run from inside the daemonfuzz module)", err)
	}
	var all []seed
	for _, gen := range []func() ([]seed, error){packetSeeds, ntsSeeds, efSeeds, ntskeSeeds, chronySeeds, controlSeeds, structuredSeeds, ntpv5Seeds, leapSeeds, addressSeeds, shmSeeds} {
		s, err := gen()
		if err != nil {
			return err
		}
		all = append(all, s...)
	}
	added := map[string]int{}
	known := map[string]bool{}
	for _, s := range all {
		d := corpus.Dir{Root: root, Format: s.format}
		if !known[s.format] {
			known[s.format] = true
			m, err := d.Manifest()
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			for _, p := range m {
				known[s.format+"\x00"+p.Source] = true
			}
		}
		// AES-128-GCM-SIV seals with a random nonce, so a regenerated NTS
		// seed differs; one seed per description keeps re-runs idempotent.
		if known[s.format+"\x00"+s.source] {
			continue
		}
		known[s.format+"\x00"+s.source] = true
		_, ok, err := d.Add(s.data, corpus.Provenance{Kind: s.kind, Source: s.source})
		if err != nil {
			return fmt.Errorf("add %s seed %q: %w", s.format, s.source, err)
		}
		if ok {
			added[s.format]++
		}
	}
	for f, n := range added {
		fmt.Printf("%s: %d new seeds\n", f, n)
	}
	return nil
}
