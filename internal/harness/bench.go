package harness

// B is the part of *testing.B that BenchCorpus uses.
type B interface {
	Skipf(format string, args ...any)
	ReportAllocs()
	ResetTimer()
	Loop() bool
}

// BenchCorpus runs body over the corpus/<format>/ seeds, one input per
// iteration (ns/op is ns per input), so a target's body and a decode-only
// body over the same inputs can be compared (BENCHMARKS.md "Speed per
// target"). A missing corpus skips the benchmark.
func BenchCorpus(b B, format string, body func([]byte) error) {
	seeds, err := LoadCorpus(format)
	if err != nil || len(seeds) == 0 {
		b.Skipf("corpus/%s: %v", format, err)
		return
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		benchOne(body, seeds[i%len(seeds)].Data)
	}
}

// benchOne runs body and survives a stored, suppressed library panic: the
// benchmark measures speed, the fuzz targets report findings.
func benchOne(body func([]byte) error, data []byte) {
	defer func() { _ = recover() }()
	_ = body(data)
}
