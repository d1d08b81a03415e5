package pcapimport

import (
	"encoding/binary"
	"io"
)

// ngFramer sits under pcapgo's NgReader and follows pcapng block framing as
// bytes pass, so an end of file inside a block is reported as
// io.ErrUnexpectedEOF with the block's offset (NgReader alone reports a cut
// block as a clean io.EOF).
type ngFramer struct {
	r          io.Reader
	pos        int64 // bytes passed on
	blockStart int64
	blockEnd   int64 // end of the current block; == pos at a boundary
	hdr        []byte
	bigEndian  bool
}

const ngSHB = 0x0a0d0d0a // section header block type, same in either byte order

func (f *ngFramer) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.observe(p[:n])
	if err == io.EOF && (f.pos != f.blockEnd || len(f.hdr) > 0) {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func (f *ngFramer) observe(b []byte) {
	for len(b) > 0 {
		if f.pos < f.blockEnd { // inside a block's body
			k := min(int64(len(b)), f.blockEnd-f.pos)
			f.pos += k
			b = b[k:]
			continue
		}
		if len(f.hdr) == 0 {
			f.blockStart = f.pos
		}
		need := 8
		if len(f.hdr) >= 4 && binary.LittleEndian.Uint32(f.hdr) == ngSHB {
			need = 12 // the byte-order magic says how to read the length
		}
		k := min(len(b), need-len(f.hdr))
		f.hdr = append(f.hdr, b[:k]...)
		f.pos += int64(k)
		b = b[k:]
		if len(f.hdr) < need {
			continue
		}
		if need == 8 && binary.LittleEndian.Uint32(f.hdr) == ngSHB {
			continue // collect the byte-order magic too
		}
		if need == 12 {
			f.bigEndian = binary.BigEndian.Uint32(f.hdr[8:]) == 0x1a2b3c4d
		}
		length := int64(binary.LittleEndian.Uint32(f.hdr[4:]))
		if f.bigEndian {
			length = int64(binary.BigEndian.Uint32(f.hdr[4:]))
		}
		f.blockEnd = f.blockStart + max(length, int64(len(f.hdr)))
		f.hdr = f.hdr[:0]
	}
}
