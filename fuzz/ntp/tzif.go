package ntpfuzz

import (
	"encoding/binary"
	"fmt"
)

// This file is an independent reader of the leap-second records of a TZif
// file, written from RFC 9636 (TZif versions 1 to 4, which obsoletes RFC
// 8536) section 3, to check facebook/time's leapsectz against. It reads only
// what locating the leap records needs and checks nothing else.

// tzifHeaderLen is the size of a TZif header: magic, version, 15 reserved
// octets, six 32-bit counts.
const tzifHeaderLen = 44

// tzifLeap is one leap-second record: the (leap) time at which the
// correction occurs, and the total correction from then on.
type tzifLeap struct {
	Occur int64
	Corr  int32
}

// tzifFile is what readTZif found: the version octet of the first header,
// that of the header whose data block holds the leap records (the second
// header in a version 2+ file, RFC 9636 section 3.3), and the records.
type tzifFile struct {
	First, Block byte
	Leaps        []tzifLeap
}

type tzifCounts struct{ isut, isstd, leap, time, typ, char int64 }

func readTZifHeader(b []byte, off int64) (version byte, c tzifCounts, err error) {
	if int64(len(b)) < off+tzifHeaderLen {
		return 0, c, fmt.Errorf("tzif: header at %d: file ends at %d", off, len(b))
	}
	h := b[off:]
	if string(h[:4]) != "TZif" {
		return 0, c, fmt.Errorf("tzif: header at %d: magic %q", off, h[:4])
	}
	n := func(i int) int64 { return int64(binary.BigEndian.Uint32(h[20+4*i:])) }
	return h[4], tzifCounts{n(0), n(1), n(2), n(3), n(4), n(5)}, nil
}

// readTZif locates the leap records of b. A version 1 file (version octet
// 0) keeps them in its only data block with 32-bit times; any other
// version octet means a version 1 block follows the first header, to be
// skipped whole, then a second header and a block with 64-bit times.
func readTZif(b []byte) (tzifFile, error) {
	var f tzifFile
	ver, c, err := readTZifHeader(b, 0)
	if err != nil {
		return f, err
	}
	f.First, f.Block = ver, ver
	// Version 1 data block: transition times (4), transition types (1),
	// local time type records (6), designations, leap records (4+4),
	// standard/wall and UT/local indicators (1 each).
	at := int64(tzifHeaderLen) + c.time*5 + c.typ*6 + c.char
	timeLen, occurLen := int64(4), int64(4)
	if ver != 0 {
		hdr2 := at + c.leap*8 + c.isstd + c.isut
		if f.Block, c, err = readTZifHeader(b, hdr2); err != nil {
			return f, err
		}
		timeLen, occurLen = 8, 8
		at = hdr2 + tzifHeaderLen + c.time*(timeLen+1) + c.typ*6 + c.char
	}
	recLen := occurLen + 4
	if end := at + c.leap*recLen; end > int64(len(b)) {
		return f, fmt.Errorf("tzif: %d leap records at %d end at %d, after the file's %d octets", c.leap, at, end, len(b))
	}
	for i := int64(0); i < c.leap; i++ {
		r := b[at+i*recLen:]
		var l tzifLeap
		if occurLen == 4 {
			l.Occur = int64(int32(binary.BigEndian.Uint32(r)))
		} else {
			l.Occur = int64(binary.BigEndian.Uint64(r))
		}
		l.Corr = int32(binary.BigEndian.Uint32(r[occurLen:]))
		f.Leaps = append(f.Leaps, l)
	}
	return f, nil
}
