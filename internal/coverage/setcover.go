package coverage

import (
	"container/heap"
	"slices"
)

// Cover picks a subset of inputs whose blocks together equal the union of
// all inputs' blocks: greedy set cover, taking at each step the input that
// adds the most uncovered blocks, ties broken by smaller size then lower
// index (so the result is deterministic and favours small inputs). sizes[i]
// is input i's length. The returned indexes are sorted.
func Cover(blocks [][]Block, sizes []int) []int {
	order := make([]int, len(blocks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return sizes[a] - sizes[b] })
	// Lazy greedy: a candidate's gain only shrinks as blocks get covered,
	// so the heap holds upper bounds and the top is rechecked before it is
	// taken.
	h := &candHeap{}
	for rank, i := range order {
		if len(blocks[i]) > 0 {
			h.items = append(h.items, cand{idx: i, rank: rank, gain: len(blocks[i])})
		}
	}
	heap.Init(h)
	covered := map[Block]bool{}
	var kept []int
	for h.Len() > 0 {
		top := heap.Pop(h).(cand)
		g := 0
		for _, b := range blocks[top.idx] {
			if !covered[b] {
				g++
			}
		}
		if g == 0 {
			continue
		}
		top.gain = g
		if h.Len() > 0 && h.less(h.items[0], top) {
			heap.Push(h, top) // stale: another candidate may now gain more
			continue
		}
		kept = append(kept, top.idx)
		for _, b := range blocks[top.idx] {
			covered[b] = true
		}
	}
	slices.Sort(kept)
	return kept
}

type cand struct{ idx, rank, gain int }

// candHeap orders by gain, then by rank (smaller input first).
type candHeap struct{ items []cand }

func (h *candHeap) less(a, b cand) bool {
	if a.gain != b.gain {
		return a.gain > b.gain
	}
	return a.rank < b.rank
}
func (h *candHeap) Len() int           { return len(h.items) }
func (h *candHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *candHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *candHeap) Push(x any)         { h.items = append(h.items, x.(cand)) }
func (h *candHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// Adds returns, for inputs measured on their own, which ones reach a block
// that base and no earlier (smaller-indexed) input reached: the inputs a
// merge keeps. base is the sorted block set of the existing corpus.
func Adds(base []Block, blocks [][]Block) []int {
	covered := map[Block]bool{}
	for _, b := range base {
		covered[b] = true
	}
	var out []int
	for i, bs := range blocks {
		added := false
		for _, b := range bs {
			if !covered[b] {
				covered[b] = true
				added = true
			}
		}
		if added {
			out = append(out, i)
		}
	}
	return out
}
