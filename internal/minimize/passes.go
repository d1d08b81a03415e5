package minimize

import "context"

// truncate cuts the tail: it tries keeping the first half, three quarters,
// seven eighths and so on up to all but the last byte, shortest first, and
// repeats while one works. Parsers usually crash on a prefix, and this finds
// it in few runs.
func (m *minimizer) truncate(ctx context.Context) (bool, error) {
	progress := false
	for len(m.best) > 0 {
		var cands [][]byte
		last := -1
		for cut := len(m.best) / 2; ; cut /= 2 {
			n := len(m.best) - max(cut, 1)
			if n != last {
				cands = append(cands, m.best[:n:n])
				last = n
			}
			if cut <= 1 {
				break
			}
		}
		ok, err := m.try(ctx, cands)
		if err != nil || !ok {
			return progress, err
		}
		progress = true
	}
	return progress, nil
}

// remove is delta debugging's complement step: for chunk sizes from half the
// input down to one byte, try the input without each chunk. After a removal
// it continues at the same chunk size on the smaller input.
func (m *minimizer) remove(ctx context.Context) (bool, error) {
	if m.opts.Batch != nil {
		return m.flat(ctx, func(b []byte, size, s int) ([]byte, bool) { return without(b, s, size), true })
	}
	progress := false
	for size := len(m.best) / 2; size >= 1; size /= 2 {
		for start := 0; start < len(m.best); {
			var cands [][]byte
			var starts []int
			for s := start; s < len(m.best) && len(cands) < m.opts.Workers; s += size {
				cands = append(cands, without(m.best, s, size))
				starts = append(starts, s)
			}
			i, err := m.run(ctx, cands)
			if err != nil {
				return progress, err
			}
			if i < 0 {
				start += size * len(cands)
				continue
			}
			m.best = cands[i]
			progress = true
			start = starts[i] // the next chunk now starts here
		}
	}
	return progress, nil
}

// zero simplifies without shrinking: chunks, then single bytes, that are not
// already zero are set to zero, so the reproducer shows only the bytes
// that matter.
func (m *minimizer) zero(ctx context.Context) (bool, error) {
	if m.opts.Batch != nil {
		return m.flat(ctx, func(b []byte, size, s int) ([]byte, bool) { return zeroed(b, s, min(s+size, len(b))) })
	}
	progress := false
	for size := len(m.best) / 2; size >= 1; size /= 2 {
		for start := 0; start < len(m.best); {
			var cands [][]byte
			var ends []int
			for s := start; s < len(m.best) && len(cands) < m.opts.Workers; s += size {
				end := min(s+size, len(m.best))
				if c, ok := zeroed(m.best, s, end); ok {
					cands = append(cands, c)
					ends = append(ends, end)
				}
				start = end
			}
			i, err := m.run(ctx, cands)
			if err != nil {
				return progress, err
			}
			if i >= 0 {
				m.best = cands[i]
				progress = true
				start = ends[i]
			}
		}
	}
	return progress, nil
}

func without(b []byte, start, size int) []byte {
	end := min(start+size, len(b))
	out := make([]byte, 0, len(b)-(end-start))
	out = append(out, b[:start]...)
	return append(out, b[end:]...)
}

// zeroed returns b with b[start:end] set to zero, and false if it already is.
func zeroed(b []byte, start, end int) ([]byte, bool) {
	changed := false
	out := append([]byte(nil), b...)
	for i := start; i < end; i++ {
		if out[i] != 0 {
			out[i] = 0
			changed = true
		}
	}
	return out, changed
}

// flat is remove's and zero's form for a batch tester, whose cost is a
// process start per batch rather than per candidate: every candidate of the
// pass (each chunk size from half the input down to one byte, each chunk
// in order) goes in one list, tested Workers at a time, and the first that
// passes is adopted before the pass starts over on it. The order is the
// per-candidate passes' order; only the work after a success differs.
func (m *minimizer) flat(ctx context.Context, edit func(b []byte, size, start int) ([]byte, bool)) (bool, error) {
	progress := false
	for {
		var cands [][]byte
		for size := len(m.best) / 2; size >= 1; size /= 2 {
			for s := 0; s < len(m.best); s += size {
				if c, ok := edit(m.best, size, s); ok {
					cands = append(cands, c)
				}
			}
		}
		ok, err := m.try(ctx, cands)
		if err != nil || !ok {
			return progress, err
		}
		progress = true
	}
}
