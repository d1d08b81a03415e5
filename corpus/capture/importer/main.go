// Command importer adds the traffic captured by corpus/capture/*.sh to the
// seed corpora, with provenance naming the implementation (and Debian
// package version) that sent each input and the scenario it came from.
//
// It reads, under the capture directory (default corpus/capture):
//
//	pcaps/NAME.pcap                 routed by port (internal/pcapimport)
//	pcaps/ntske-NAME-*.bin          one NTS-KE message each, format ntske
//	                                (its own .bin.provenance when the sender is known)
//	zones/NAME.zone                 zone text, format dns-zone: the whole file
//	                                and the first record of each RR type
//
// each beside a NAME.provenance sidecar (NAME.zone.provenance for zones)
// written by the capture script:
//
//	scenario<TAB>what the implementations were doing
//	implementation<TAB>knot 3.2.6-1<TAB>127.0.0.1:53
//
// The optional third field says which packets that implementation sent:
// comma-separated "ip:port", "ip" or ":port" (most specific match wins). A
// packet no endpoint claims is credited to "one of" the implementations
// that have none. `fuzzrun corpus import` does the routing too, but records
// only the capture's name; this tool records who spoke.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport"
)

func main() {
	dir := flag.String("capture", "corpus/capture", "the capture directory holding pcaps/ and zones/")
	root := flag.String("corpus", "", "the corpus/ directory to add to (default: the module's, found from the working directory)")
	dry := flag.Bool("n", false, "count what would be added, write nothing")
	replace := flag.Bool("replace", false, "drop the seeds an earlier import of corpus/capture added that this one does not (a re-capture replaces the last)")
	check := flag.Bool("check", false, "write nothing; fail if a capture has none of its inputs in the corpus (CI: no pcap committed without its import)")
	flag.Parse()
	var err error
	if *check {
		err = checkSync(*dir, *root)
	} else {
		err = run(*dir, *root, *dry, *replace)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "capture importer: %v\n", err)
		os.Exit(1)
	}
}

func run(dir, root string, dry, replace bool) error {
	im, err := importAll(dir, root, dry)
	if err != nil {
		return err
	}
	if err := im.close(); err != nil {
		return err
	}
	if replace && !dry {
		return im.dropStale()
	}
	return nil
}

// checkSync imports nothing and fails when a capture file has none of its
// inputs in the corpus: a pcap committed without running the import.
// Inputs dropped later (by corpus minimization, say) are fine as long as
// each capture keeps at least one.
func checkSync(dir, root string) error {
	im, err := importAll(dir, root, true)
	if err != nil {
		return err
	}
	var srcs, missing []string
	for src := range im.bySrc {
		srcs = append(srcs, src)
	}
	sort.Strings(srcs)
	present := map[string]bool{}
	for _, src := range srcs {
		n := 0
		for _, key := range im.bySrc[src] {
			if _, err := os.Stat(filepath.Join(im.root, key)); err == nil {
				n++
				present[key] = true
			}
		}
		if n == 0 {
			missing = append(missing, src)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d captures have no input in the corpus (%s); run: go run ./corpus/capture/importer -replace", len(missing), strings.Join(missing, ", "))
	}
	fmt.Printf("capture importer: %d captures imported, %d of their %d inputs in %s\n", len(srcs), len(present), len(im.kept), im.root)
	return nil
}

// importAll routes every capture, NTS-KE message and zone under dir into
// the corpus at root (or only counts them when dry).
func importAll(dir, root string, dry bool) (*importer, error) {
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if root, err = corpus.FindRoot(wd); err != nil {
			return nil, fmt.Errorf("%w (run from the repository, or pass -corpus)", err)
		}
	}
	im := &importer{root: root, dry: dry, batches: map[string]*corpus.Batch{}, counts: map[string]*[2]int{}, kept: map[string]bool{}}
	pcaps, _ := filepath.Glob(filepath.Join(dir, "pcaps", "*.pcap"))
	for _, p := range pcaps {
		if err := im.capture(p); err != nil {
			return nil, err
		}
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "pcaps", "ntske-*.bin"))
	for _, p := range bins {
		if err := im.ntske(p); err != nil {
			return nil, err
		}
	}
	zones, _ := filepath.Glob(filepath.Join(dir, "zones", "*.zone"))
	for _, p := range zones {
		if err := im.zone(p); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// notePrefix starts the note of every seed this tool adds, so a later run
// can tell its own seeds from everyone else's.
const notePrefix = "corpus/capture: "

// dropStale removes the seeds an earlier run added (their note starts with
// notePrefix) that this run did not produce, and their manifest lines.
// Seeds of any other origin are never touched.
func (im *importer) dropStale() error {
	formats, err := corpus.Formats(im.root)
	if err != nil {
		return err
	}
	for _, f := range formats {
		d := corpus.Dir{Root: im.root, Format: f}
		entries, err := d.Manifest()
		if err != nil {
			continue // no manifest: nothing of ours
		}
		var keep []corpus.Provenance
		dropped := 0
		for _, e := range entries {
			if e.Kind == corpus.KindCaptured && strings.HasPrefix(e.Note, notePrefix) && !im.kept[f+"/"+e.File] {
				if err := os.Remove(filepath.Join(d.Path(), e.File)); err != nil && !os.IsNotExist(err) {
					return err
				}
				dropped++
				continue
			}
			keep = append(keep, e)
		}
		if dropped > 0 {
			if err := d.WriteManifest(keep); err != nil {
				return fmt.Errorf("rewrite corpus/%s manifest: %w", f, err)
			}
			fmt.Printf("%-12s %5d seeds of an earlier capture dropped\n", f, dropped)
		}
	}
	return nil
}

type importer struct {
	root    string
	dry     bool
	batches map[string]*corpus.Batch
	counts  map[string]*[2]int  // format: read, new
	kept    map[string]bool     // "format/name" of every seed this run produced
	cur     string              // the capture, message or zone file being read
	bySrc   map[string][]string // its "format/name"s, per file
}

func (im *importer) add(format string, data []byte, p corpus.Provenance) error {
	c := im.counts[format]
	if c == nil {
		c = new([2]int)
		im.counts[format] = c
	}
	c[0]++
	p.Note = notePrefix + p.Note
	key := format + "/" + corpus.Name(data)
	im.kept[key] = true
	if im.bySrc == nil {
		im.bySrc = map[string][]string{}
	}
	im.bySrc[im.cur] = append(im.bySrc[im.cur], key)
	if im.dry {
		return nil
	}
	b := im.batches[format]
	if b == nil {
		b = corpus.Dir{Root: im.root, Format: format}.NewBatch()
		im.batches[format] = b
	}
	_, added, err := b.Add(append([]byte(nil), data...), p)
	if err != nil {
		return fmt.Errorf("add to corpus/%s: %w", format, err)
	}
	if added {
		c[1]++
	}
	return nil
}

func (im *importer) close() error {
	var formats []string
	for f := range im.counts {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		if b := im.batches[f]; b != nil {
			if err := b.Close(); err != nil {
				return fmt.Errorf("write corpus/%s manifest: %w", f, err)
			}
		}
		fmt.Printf("%-12s %5d captured inputs, %5d new\n", f, im.counts[f][0], im.counts[f][1])
	}
	return nil
}

func (im *importer) capture(path string) error {
	im.cur = path
	side, err := readSidecar(strings.TrimSuffix(path, ".pcap") + ".provenance")
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	base := filepath.Base(path)
	st, err := pcapimport.Read(bufio.NewReader(f), func(p pcapimport.Payload) error {
		return im.add(p.Format, p.Data, corpus.Provenance{
			Kind:   corpus.KindCaptured,
			Source: side.sender(p.Flow),
			Note:   fmt.Sprintf("%s; %s packet %d: %s", side.scenario, base, p.Packet, p.Flow),
		})
	})
	if err != nil {
		return fmt.Errorf("%s: %w (re-run the capture script for it)", path, err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d packets, %d inputs, %d skipped\n", path, st.Packets, st.Payloads, st.Skipped)
	return nil
}

// ntske imports one decrypted NTS-KE message; its sidecar is the one of
// its capture, ntske-NAME.provenance.
func (im *importer) ntske(path string) error {
	im.cur = path
	base := filepath.Base(path)
	name := strings.TrimSuffix(base, ".bin")
	i := strings.LastIndexByte(name, '-') // -request / -response
	j := strings.LastIndexByte(name[:max(i, 0)], '-')
	if i < 0 || j < 0 {
		return fmt.Errorf("%s: want ntske-NAME-STREAM-(request|response).bin", path)
	}
	// A message whose sender the capture script could tell has its own
	// sidecar; the others share their capture's.
	sidePath := path + ".provenance"
	if _, err := os.Stat(sidePath); err != nil {
		sidePath = filepath.Join(filepath.Dir(path), name[:j]+".provenance")
	}
	side, err := readSidecar(sidePath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return im.add(pcapimport.FormatNTSKE, data, corpus.Provenance{
		Kind: corpus.KindCaptured, Source: side.oneOf(),
		Note: fmt.Sprintf("%s; %s (%s)", side.scenario, base, name[i+1:]),
	})
}

// zone imports a zone file whole (for the zone parser) and the first
// one-line record of each RR type in it (for the single-RR parser).
func (im *importer) zone(path string) error {
	im.cur = path
	side, err := readSidecar(path + ".provenance")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	base := filepath.Base(path)
	p := corpus.Provenance{Kind: corpus.KindCaptured, Source: side.oneOf(), Note: side.scenario + "; " + base}
	if err := im.add("dns-zone", data, p); err != nil {
		return err
	}
	seen := map[string]bool{}
	for n, line := range strings.Split(string(data), "\n") {
		typ, ok := rrType(line)
		if !ok || seen[typ] {
			continue
		}
		seen[typ] = true
		p.Note = fmt.Sprintf("%s; %s line %d (%s)", side.scenario, base, n+1, typ)
		if err := im.add("dns-zone", []byte(line+"\n"), p); err != nil {
			return err
		}
	}
	return nil
}

// rrType returns the type of a complete one-line record "owner ttl class
// type rdata", skipping comments, directives and multi-line records.
func rrType(line string) (string, bool) {
	if line == "" || line[0] == ';' || line[0] == '$' || strings.ContainsAny(line, "()") {
		return "", false
	}
	f := strings.Fields(line)
	for i := 1; i+1 < len(f); i++ {
		if f[i] == "IN" {
			return f[i+1], true
		}
	}
	return "", false
}

// sidecar is a capture's provenance.
type sidecar struct {
	scenario string
	impls    []impl
}

type impl struct {
	name    string
	matches []string // "ip:port", "ip", ":port"
}

func readSidecar(path string) (*sidecar, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("provenance sidecar: %w (every capture needs one; re-run its capture script)", err)
	}
	s := &sidecar{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		switch f[0] {
		case "scenario":
			if len(f) > 1 {
				s.scenario = f[1]
			}
		case "implementation":
			if len(f) < 2 {
				continue
			}
			im := impl{name: f[1]}
			if len(f) > 2 && f[2] != "" {
				im.matches = strings.Split(f[2], ",")
			}
			s.impls = append(s.impls, im)
		}
	}
	if s.scenario == "" || len(s.impls) == 0 {
		return nil, fmt.Errorf("%s: needs a scenario and at least one implementation line", path)
	}
	return s, nil
}

// sender names the implementation that sent a packet of flow
// "udp 127.0.0.1:53 > 127.0.0.1:40000".
func (s *sidecar) sender(flow string) string {
	f := strings.Fields(flow)
	if len(f) != 4 {
		return s.oneOf()
	}
	src, err := netip.ParseAddrPort(f[1])
	if err != nil {
		return s.oneOf()
	}
	best, bestRank := "", 0
	for _, im := range s.impls {
		for _, m := range im.matches {
			if r := rank(m, src); r > bestRank {
				best, bestRank = im.name, r
			}
		}
	}
	if best != "" {
		return best
	}
	return s.oneOf()
}

// rank scores how specifically m matches src: 3 ip:port, 2 ip, 1 :port.
func rank(m string, src netip.AddrPort) int {
	if strings.HasPrefix(m, ":") {
		if m[1:] == fmt.Sprint(src.Port()) {
			return 1
		}
		return 0
	}
	if ap, err := netip.ParseAddrPort(m); err == nil {
		if ap.Addr() == src.Addr().Unmap() && ap.Port() == src.Port() {
			return 3
		}
		return 0
	}
	if a, err := netip.ParseAddr(m); err == nil && a == src.Addr().Unmap() {
		return 2
	}
	return 0
}

// oneOf credits the implementations without endpoints (the clients), or
// all of them when every one has endpoints.
func (s *sidecar) oneOf() string {
	var names []string
	for _, im := range s.impls {
		if len(im.matches) == 0 {
			names = append(names, im.name)
		}
	}
	if len(names) == 0 {
		for _, im := range s.impls {
			names = append(names, im.name)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return "one of: " + strings.Join(names, ", ")
}
