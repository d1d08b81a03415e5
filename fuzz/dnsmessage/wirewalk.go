package dnsmessagefuzz

import "encoding/binary"

// The wire walk below reads a message independently of dnsmessage, by RFC
// 1035 alone, so the oracles can tell what the input itself says: where
// each record's rdata starts and ends, whether any name is compressed,
// where the message ends.

// wireRecord is one resource record located by walk.
type wireRecord struct {
	typ        uint16
	start, end int // rdata bounds as RDLENGTH gives them
}

// wireMessage is what walk learned about a message.
type wireMessage struct {
	records    []wireRecord
	end        int  // offset after the last counted record
	compressed bool // a compression pointer appears in a name outside rdata
	complete   bool // every counted question and record was located
}

// walk locates the questions and records of data by their header counts.
func walk(data []byte) wireMessage {
	var w wireMessage
	if len(data) < 12 {
		return w
	}
	n := [4]int{}
	for i := range n {
		n[i] = int(binary.BigEndian.Uint16(data[4+2*i:]))
	}
	off := 12
	for i := 0; i < n[0]; i++ {
		next, ptr, ok := nameEnd(data, off)
		if !ok || next+4 > len(data) {
			return w
		}
		w.compressed = w.compressed || ptr
		off = next + 4
	}
	for i := 0; i < n[1]+n[2]+n[3]; i++ {
		next, ptr, ok := nameEnd(data, off)
		if !ok || next+10 > len(data) {
			return w
		}
		w.compressed = w.compressed || ptr
		start := next + 10
		r := wireRecord{binary.BigEndian.Uint16(data[next:]), start, start + int(binary.BigEndian.Uint16(data[next+8:]))}
		w.records = append(w.records, r)
		if r.end > len(data) {
			return w
		}
		off = r.end
	}
	w.end, w.complete = off, true
	return w
}

// nameEnd returns the offset just after the name at off as it sits in the
// message (after its terminating zero or its first pointer), and whether it
// ends in a pointer.
func nameEnd(data []byte, off int) (int, bool, bool) {
	for off < len(data) {
		c := int(data[off])
		switch {
		case c == 0:
			return off + 1, false, true
		case c&0xc0 == 0xc0:
			if off+2 > len(data) {
				return 0, false, false
			}
			return off + 2, true, true
		case c&0xc0 != 0:
			return 0, false, false
		}
		off += 1 + c
	}
	return 0, false, false
}

// rdataCompressed reports whether a name inside r's rdata (the types whose
// names dnsmessage decodes) is compressed.
func rdataCompressed(data []byte, r wireRecord) bool {
	var starts []int
	switch r.typ {
	case 2, 5, 12, 6: // NS, CNAME, PTR, SOA
		starts = []int{r.start}
	case 15: // MX
		starts = []int{r.start + 2}
	case 33, 64, 65: // SRV, SVCB, HTTPS
		starts = []int{r.start + 2}
		if r.typ == 33 {
			starts = []int{r.start + 6}
		}
	}
	for _, off := range starts {
		for k := 0; k < 2; k++ {
			next, ptr, ok := nameEnd(data, off)
			if !ok {
				return false
			}
			if ptr {
				return true
			}
			if r.typ != 6 {
				break
			}
			off = next // SOA: RNAME follows MNAME
		}
	}
	return false
}

// boundedByLength reports whether r's rdata, read the way dnsmessage reads
// its type, ends exactly at RDLENGTH inside the message. Types dnsmessage
// bounds itself (TXT, SVCB, HTTPS, unknown types) always are.
func boundedByLength(data []byte, r wireRecord) bool {
	fixed := func(off, names, tail int) bool {
		for i := 0; i < names; i++ {
			next, _, ok := nameEnd(data, off)
			if !ok {
				return true // an unreadable name is rejected, not misread
			}
			off = next
		}
		return off+tail == r.end && r.end <= len(data)
	}
	switch r.typ {
	case 1: // A
		return fixed(r.start, 0, 4)
	case 28: // AAAA
		return fixed(r.start, 0, 16)
	case 2, 5, 12: // NS, CNAME, PTR
		return fixed(r.start, 1, 0)
	case 15: // MX
		return fixed(r.start+2, 1, 0)
	case 33: // SRV
		return fixed(r.start+6, 1, 0)
	case 6: // SOA
		return fixed(r.start, 2, 20)
	case 41: // OPT: options are read whole, up to the message end
		off := r.start
		for off < r.end {
			if off+4 > len(data) {
				return true
			}
			off += 4 + int(binary.BigEndian.Uint16(data[off+2:]))
		}
		return off == r.end && r.end <= len(data)
	}
	return true
}
