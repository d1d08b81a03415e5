// Package corpusimport adds files and network captures to the seed corpora
// of internal/corpus: raw files, Go corpus files, directories of either, and
// pcap/pcapng captures whose payloads internal/pcapimport routes to a format
// by port. It sits above corpus so that corpus (which the fuzz targets link
// for their seeds) does not link the capture reader.
package corpusimport

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport"
)

// MaxInputSize bounds a raw file imported as one input. Go's fuzzing engine
// itself caps inputs at 1 MiB; a bigger file is almost surely not a seed.
const MaxInputSize = 1 << 20

// CaptureFormats are the formats a capture's payloads can be routed to.
var CaptureFormats = []string{
	pcapimport.FormatDNS, pcapimport.FormatDHCPv4, pcapimport.FormatDHCPv6, pcapimport.FormatNTP,
	pcapimport.FormatNTPControl, pcapimport.FormatChrony, pcapimport.FormatNTSKE,
}

// Options configure Import. Root is required.
type Options struct {
	Root string // the corpus/ directory to add to
	// Format is the format of raw and Go-format files. Empty: a file's
	// parent directory names it when that is a known format (importing
	// another tree's corpus/dns-wire/ just works); otherwise the file is
	// reported and skipped. Captures always route by port.
	Format string
	Log    io.Writer // progress lines; may be nil
}

// Counts are one format's import totals.
type Counts struct {
	Read      int `json:"read"`
	New       int `json:"new"`
	Duplicate int `json:"duplicate"`
}

// Result is what an import did.
type Result struct {
	Formats   map[string]*Counts `json:"formats"`
	Problems  []corpus.Problem   `json:"problems,omitempty"`  // files skipped, and why
	Truncated []string           `json:"truncated,omitempty"` // captures that stopped early, and where
}

// FormatNames returns the formats imported into, sorted.
func (r *Result) FormatNames() []string {
	var out []string
	for f := range r.Formats {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

type importer struct {
	opts    Options
	known   map[string]bool
	batches map[string]*corpus.Batch
	res     *Result
}

// Import adds the inputs found at paths to the corpus: each capture's routed
// payloads, each raw file as one input, each Go corpus file decoded, and
// directories recursively. Inputs are stored by content name, so importing
// twice adds nothing. A file that cannot be used is reported in the result
// and the import goes on; the error is for failures to write the corpus.
func Import(ctx context.Context, paths []string, opts Options) (*Result, error) {
	im := &importer{opts: opts, known: map[string]bool{}, batches: map[string]*corpus.Batch{},
		res: &Result{Formats: map[string]*Counts{}}}
	for _, f := range CaptureFormats {
		im.known[f] = true
	}
	if fs, err := corpus.Formats(opts.Root); err == nil {
		for _, f := range fs {
			im.known[f] = true
		}
	}
	if opts.Format != "" {
		im.known[opts.Format] = true
	}
	err := im.run(ctx, paths)
	for _, f := range im.res.FormatNames() {
		if b := im.batches[f]; b != nil {
			if cerr := b.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("write manifest of %s: %w", f, cerr)
			}
		}
	}
	return im.res, err
}

func (im *importer) run(ctx context.Context, paths []string) error {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			im.problem(p, err)
			continue
		}
		if !st.IsDir() {
			if err := im.file(ctx, p); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				im.problem(path, err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || strings.HasSuffix(path, ".manifest.jsonl") || strings.HasSuffix(path, ".dict") {
				return nil
			}
			return im.file(ctx, path)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) problem(path string, err error) {
	im.res.Problems = append(im.res.Problems, corpus.Problem{Path: path, Err: err.Error()})
}

// file imports one file; only a failure to write the corpus is returned.
func (im *importer) file(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		im.problem(path, err)
		return nil
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	head, _ := br.Peek(4)
	if pcapimport.IsCapture(head) {
		return im.capture(path, br)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pcap", ".pcapng", ".cap":
		im.problem(path, &pcapimport.NotCaptureError{Magic: append([]byte(nil), head...)})
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(br, MaxInputSize+1))
	if err != nil {
		im.problem(path, err)
		return nil
	}
	if len(data) > MaxInputSize {
		im.problem(path, fmt.Errorf("larger than %d bytes: not a fuzz input (and not a pcap or pcapng capture)", MaxInputSize))
		return nil
	}
	if corpusfile.Is(data) {
		if data, err = corpusfile.Decode(data); err != nil {
			im.problem(path, fmt.Errorf("not a valid Go corpus file: %w", err))
			return nil
		}
	}
	format := im.opts.Format
	if format == "" {
		if parent := filepath.Base(filepath.Dir(path)); im.known[parent] {
			format = parent
		}
	}
	if format == "" {
		im.problem(path, errors.New("no format: not a capture, and its directory is not named after a corpus format; pass -format"))
		return nil
	}
	return im.add(format, data, corpus.Provenance{Kind: corpus.KindImported, Source: path})
}

func (im *importer) add(format string, data []byte, p corpus.Provenance) error {
	b := im.batches[format]
	if b == nil {
		b = corpus.Dir{Root: im.opts.Root, Format: format}.NewBatch()
		im.batches[format] = b
	}
	c := im.res.Formats[format]
	if c == nil {
		c = &Counts{}
		im.res.Formats[format] = c
	}
	c.Read++
	_, added, err := b.Add(data, p)
	if err != nil {
		return fmt.Errorf("add to corpus/%s: %w", format, err)
	}
	if added {
		c.New++
	} else {
		c.Duplicate++
	}
	return nil
}

// capture streams one pcap or pcapng file into the corpus.
func (im *importer) capture(path string, r io.Reader) error {
	base := filepath.Base(path)
	st, err := pcapimport.Read(r, func(p pcapimport.Payload) error {
		return im.add(p.Format, p.Data, corpus.Provenance{Kind: corpus.KindCaptured,
			Source: fmt.Sprintf("%s packet %d", base, p.Packet), Note: p.Flow})
	})
	var te *pcapimport.TruncatedError
	var ne *pcapimport.NotCaptureError
	switch {
	case errors.As(err, &te):
		im.res.Truncated = append(im.res.Truncated, fmt.Sprintf("%s: %v", path, te))
	case errors.As(err, &ne):
		im.problem(path, ne)
	case err != nil:
		return fmt.Errorf("import %s: %w", path, err)
	}
	if im.opts.Log != nil {
		fmt.Fprintf(im.opts.Log, "%s: %d packets, %d payloads routed, %d skipped\n", path, st.Packets, st.Payloads, st.Skipped)
	}
	return nil
}
