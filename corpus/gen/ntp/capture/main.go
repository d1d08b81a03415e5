// Command capture records real NTP traffic as seeds: it starts chronyd on
// loopback (with -x, so it never touches the clock), talks to it with the
// clients the fuzz targets exercise (facebook/time's chrony client over the
// command socket, beevik/ntp and raw NTP requests of every version, an NTS-KE
// client and an NTS request), and stores chronyd's replies, and its own
// requests to an in-process source, with provenance "captured". It must run
// in a private network namespace, so nothing binds outside it:
//
//	go build -o /tmp/ntpcapture ./corpus/gen/ntp/capture
//	unshare -n sh -c 'ip link set lo up && /tmp/ntpcapture'
//
// chrony must be installed (Debian: apt-get install chrony, which replaces
// ntpsec). Run from the module root (corpus/ is found from the working
// directory). Each run adds new seeds: replies carry the current time.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
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
		return err
	}
	tmp, err := os.MkdirTemp("", "ntpcapture")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rec := &recorder{root: root}
	if err := captureChrony(tmp, rec); err != nil {
		return err
	}
	for f, n := range rec.added {
		fmt.Printf("%s: %d new captured seeds\n", f, n)
	}
	return nil
}

// recorder stores captured datagrams as seeds.
type recorder struct {
	root  string
	added map[string]int
}

func (r *recorder) add(format, source string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	d := corpus.Dir{Root: r.root, Format: format}
	_, ok, err := d.Add(data, corpus.Provenance{Kind: corpus.KindCaptured, Source: source})
	if err != nil {
		return fmt.Errorf("store %s seed: %w", format, err)
	}
	if ok {
		if r.added == nil {
			r.added = map[string]int{}
		}
		r.added[format]++
	}
	return nil
}

// version returns the first line of a daemon's version output.
func version(bin string, args ...string) string {
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return bin
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}
