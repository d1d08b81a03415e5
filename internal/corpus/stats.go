package corpus

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
)

// Bucket is one bar of a size histogram: inputs of at most Le bytes (and
// more than the previous bucket's Le); Le 0 is the overflow bucket.
type Bucket struct {
	Le    int `json:"le"`
	Count int `json:"count"`
}

// bucketBounds are the histogram's upper bounds in bytes.
var bucketBounds = []int{16, 64, 256, 1024, 4096, 16384, 65536}

// SetStats describes one set of inputs: a format's seeds or a target's work
// corpus.
type SetStats struct {
	Name       string         `json:"name"` // the format, or the target's ID
	Dir        string         `json:"dir"`
	Entries    int            `json:"entries"`
	Bytes      int64          `json:"bytes"`
	Min        int            `json:"min"`
	Median     int            `json:"median"`
	Max        int            `json:"max"`
	Histogram  []Bucket       `json:"histogram"`
	Provenance map[string]int `json:"provenance,omitempty"` // seeds per provenance kind; "unrecorded" for seeds missing from the manifest
	Problems   []Problem      `json:"problems,omitempty"`
}

// Measure fills the size figures of s from entries.
func (s *SetStats) Measure(entries []Entry) {
	s.Entries = len(entries)
	sizes := make([]int, len(entries))
	for i, e := range entries {
		sizes[i] = len(e.Data)
		s.Bytes += int64(len(e.Data))
	}
	slices.Sort(sizes)
	if len(sizes) > 0 {
		s.Min, s.Median, s.Max = sizes[0], sizes[len(sizes)/2], sizes[len(sizes)-1]
	}
	s.Histogram = make([]Bucket, len(bucketBounds)+1)
	for i, b := range bucketBounds {
		s.Histogram[i].Le = b
	}
	for _, n := range sizes {
		i, _ := slices.BinarySearch(bucketBounds, n)
		s.Histogram[i].Count++
	}
}

// Stats reads a format's seeds and describes them, with provenance kinds
// from the manifest. Corrupt seeds are reported in Problems and left where
// they are: looking changes nothing.
func (d Dir) Stats() (SetStats, error) {
	s := SetStats{Name: d.Format, Dir: d.Path()}
	entries, problems, err := ReadEntries(d.Path(), false, "")
	if err != nil {
		return s, err
	}
	s.Problems = problems
	s.Measure(entries)
	manifest, err := d.Manifest()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	kinds := map[string]string{}
	for _, p := range manifest {
		kinds[p.File] = p.Kind
	}
	s.Provenance = map[string]int{}
	for _, e := range entries {
		k := kinds[filepath.Base(e.Path)]
		if k == "" {
			k = "unrecorded"
		}
		s.Provenance[k]++
	}
	return s, nil
}
