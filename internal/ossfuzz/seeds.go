package ossfuzz

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
)

// MaxLen is the max_len written to every fuzzer's options: 65535 bytes, the
// largest message any of the suite's protocols carries (a DNS message over
// TCP; DHCP and NTP fit a UDP datagram), plus the 4-byte go-fuzz-headers
// length. libFuzzer's default, the larger of 4096 and the biggest seed,
// would never produce the large EDNS0 or TCP messages the parsers accept.
const MaxLen = 65535 + lenPrefix

// zipTime is the modification time of every zip entry, so that the same
// seeds always give the same zip.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Seeds returns the inputs a fuzzer starts from, as Go hands them to the
// target: every file of corpus/<format>/ and every `go test fuzz v1` file
// of the package's testdata/fuzz/<Func>/ (the regressions), deduplicated and
// keyed by their content name. A corpus/<format>/ that is missing is an
// error, as it is for the Go fuzz test (harness.Seed).
func Seeds(corpusRoot string, f Fuzzer) (map[string][]byte, error) {
	out := map[string][]byte{}
	if f.Format != "" {
		seeds, err := corpus.Dir{Root: corpusRoot, Format: f.Format}.Seeds()
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
		}
		for _, s := range seeds {
			out[corpus.Name(s.Data)] = s.Data
		}
	}
	dir := filepath.Join(f.Dir, "testdata", "fuzz", f.Func)
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %w", f.Name, err)
		}
		arg, err := corpusfile.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: fuzzer %s: %s: %w", f.Name, path, err)
		}
		out[corpus.Name(arg)] = arg
	}
	return out, nil
}

// SeedZip returns a <fuzzer>_seed_corpus.zip holding every seed encoded as
// go-118-fuzz-build's shim decodes it (EncodeBytes), named by the content
// name of the seed itself so a zip entry and its corpus/ file share a name.
// The zip is byte-for-byte deterministic.
func SeedZip(seeds map[string][]byte) ([]byte, error) {
	names := make([]string, 0, len(seeds))
	for n := range seeds {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(EncodeBytes(seeds[n])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Options returns the <fuzzer>.options file: libFuzzer flags ClusterFuzz
// and ClusterFuzzLite pass when they run the fuzzer.
func Options(f Fuzzer, hasDict bool) []byte {
	var b bytes.Buffer
	b.WriteString("[libfuzzer]\n")
	if hasDict {
		fmt.Fprintf(&b, "dict = %s.dict\n", f.Name)
	}
	fmt.Fprintf(&b, "max_len = %d\n", MaxLen)
	return b.Bytes()
}

// WriteSeeds writes, for every fuzzer, <name>_seed_corpus.zip, <name>.dict
// (when the format has a dictionary) and <name>.options into outDir, which
// is $OUT in an OSS-Fuzz build. It returns the paths written.
func WriteSeeds(outDir, corpusRoot string, fuzzers []Fuzzer) ([]string, error) {
	var written []string
	write := func(name string, data []byte) error {
		p := filepath.Join(outDir, name)
		if err := atomicfile.Write(p, data, 0o644); err != nil {
			return fmt.Errorf("ossfuzz: %w", err)
		}
		written = append(written, p)
		return nil
	}
	for _, f := range fuzzers {
		seeds, err := Seeds(corpusRoot, f)
		if err != nil {
			return written, err
		}
		z, err := SeedZip(seeds)
		if err != nil {
			return written, fmt.Errorf("ossfuzz: fuzzer %s: seed zip: %w", f.Name, err)
		}
		if err := write(f.Name+"_seed_corpus.zip", z); err != nil {
			return written, err
		}
		paths, err := DictPaths(corpusRoot, f.Format)
		if err != nil {
			return written, err
		}
		dict, err := MergeDicts(paths)
		if err != nil {
			return written, err
		}
		if dict != nil {
			if err := write(f.Name+".dict", dict); err != nil {
				return written, err
			}
		}
		if err := write(f.Name+".options", Options(f, dict != nil)); err != nil {
			return written, err
		}
	}
	return written, nil
}
