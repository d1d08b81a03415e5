package ntpfuzz

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/facebook/time/leapsectz"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// leapsectz reads only from a path (Parse, Latest), so each input goes
// through one file per process, rewritten in place. On Linux the file is
// unlinked at once and read through /proc/self/fd, so no fuzzing process
// leaves files behind.
var leapFile struct {
	sync.Mutex
	f    *os.File
	path string
	err  error
}

// withLeapFile writes data to the process's leap file and calls read with
// its path.
func withLeapFile(data []byte, read func(path string) error) error {
	leapFile.Lock()
	defer leapFile.Unlock()
	if leapFile.f == nil && leapFile.err == nil {
		leapFile.f, leapFile.err = os.CreateTemp("", "daemonfuzz-leap-*")
		if leapFile.err == nil {
			leapFile.path = leapFile.f.Name()
			proc := filepath.Join("/proc/self/fd", fmt.Sprint(leapFile.f.Fd()))
			if _, err := os.Stat(proc); err == nil && os.Remove(leapFile.path) == nil {
				leapFile.path = proc
			}
		}
	}
	if leapFile.err != nil {
		return fmt.Errorf("leap file: %w", leapFile.err)
	}
	if err := leapFile.f.Truncate(0); err != nil {
		return fmt.Errorf("leap file: %w", err)
	}
	if _, err := leapFile.f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("leap file: %w", err)
	}
	return read(leapFile.path)
}

// parseLeapBytes is leapsectz.Parse on data, and Latest's invariant where
// Parse succeeds. err is Parse's error, bad a violation or an I/O failure.
func parseLeapBytes(data []byte) (ls []leapsectz.LeapSecond, err, bad error) {
	bad = withLeapFile(data, func(path string) error {
		if ls, err = leapsectz.Parse(path); err != nil {
			return nil
		}
		return checkLatest(path, ls)
	})
	return ls, err, bad
}

// checkLatest: Latest returns one of the file's records, or the zero
// record when none has occurred yet.
func checkLatest(path string, ls []leapsectz.LeapSecond) error {
	l, err := leapsectz.Latest(path)
	if err != nil {
		return harness.Violated("invariant", "Latest", "Parse succeeded, Latest failed: %v", err)
	}
	if *l == (leapsectz.LeapSecond{}) {
		return nil
	}
	for _, x := range ls {
		if x == *l {
			return nil
		}
	}
	return harness.Violated("invariant", "Latest", "%+v is not one of the file's %d records", *l, len(ls))
}

// LeapTZif reads data as the leap-second file every facebook/time NTP and
// PTP daemon loads at start (leapsectz.Parse and Latest on a TZif file such
// as /usr/share/zoneinfo/right/UTC, versions 1, 2 and 3) and checks:
//   - differential: the records leapsectz returns are the leap records of
//     an independent RFC 9636 reader (tzif.go), and leapsectz accepts every
//     file of a version it supports whose leap records are all present;
//   - round trip: leapsectz.Write of the records, as a version 2 file and
//     as a version 1 file where every time fits, reads back the same with
//     both readers; a version 1 file where one does not is refused, not
//     written with the time cut to 32 bits;
//   - invariant: Latest returns one of the records or none.
func LeapTZif(data []byte) error {
	ls, err, bad := parseLeapBytes(data)
	if bad != nil {
		return bad
	}
	ref, refErr := readTZif(data)
	if err := leapAgree(ls, err, ref, refErr); err != nil {
		return err
	}
	if err != nil {
		return nil
	}
	return leapRoundTrip(ls)
}

// LeapTable reads data as tzdata's leap-second table (leap-seconds.list or
// the zic leapseconds file) with the independent reader of leaplist.go and
// gives the records to leapsectz.Write, then checks as LeapTZif does that
// leapsectz.Parse and the RFC 9636 reader read back exactly those records,
// from a version 2 file and from a version 1 file where every time fits.
func LeapTable(data []byte) error {
	tab, err := parseLeapText(data)
	if err != nil || len(tab.Leaps) == 0 {
		return nil // leapsectz reads a file without leap records as an error
	}
	ls := make([]leapsectz.LeapSecond, len(tab.Leaps))
	for i, l := range tab.Leaps {
		ls[i] = leapsectz.LeapSecond{Tleap: uint64(l.Occur), Nleap: l.Corr}
	}
	return leapRoundTrip(ls)
}

// supportedTZif is the set of version octets leapsectz.Parse reads.
func supportedTZif(v byte) bool { return v == 0 || v == '2' || v == '3' }

// leapAgree compares leapsectz's reading with the RFC 9636 reader's.
//
// A leap time is nonnegative (RFC 8536 and 9636 section 3.2: "The first
// value, if present, MUST be nonnegative", each later one larger). The
// RFC reader reads a version 1 time as signed 32 bits and leapsectz as
// unsigned; the two agree on every time the RFC allows, and a record the
// RFC reader reads as negative names no time at all, so its Tleap is not
// compared (its correction still is).
func leapAgree(ls []leapsectz.LeapSecond, err error, ref tzifFile, refErr error) error {
	readable := refErr == nil && len(ref.Leaps) > 0 && supportedTZif(ref.First) &&
		(ref.First == 0 || ref.Block == '2' || ref.Block == '3')
	switch {
	case err != nil && readable:
		return harness.Violated("differential", "Parse", "leapsectz: %v; RFC 9636 reader: %d leap records, versions %q/%q", err, len(ref.Leaps), ref.First, ref.Block)
	case err == nil && refErr != nil:
		return harness.Violated("differential", "Parse", "leapsectz read %d records; RFC 9636 reader: %v", len(ls), refErr)
	case err != nil:
		return nil
	}
	if len(ls) != len(ref.Leaps) {
		return harness.Violated("differential", "len(LeapSecond)", "leapsectz %d, RFC 9636 reader %d", len(ls), len(ref.Leaps))
	}
	for i, l := range ls {
		r := ref.Leaps[i]
		if l.Nleap != r.Corr {
			return harness.Violated("differential", "LeapSecond.Nleap", "record %d: leapsectz %d, RFC 9636 reader %d", i, l.Nleap, r.Corr)
		}
		if r.Occur >= 0 && l.Tleap != uint64(r.Occur) {
			return harness.Violated("differential", "LeapSecond.Tleap", "record %d: leapsectz %#x, RFC 9636 reader %#x (version %q)", i, l.Tleap, r.Occur, ref.Block)
		}
	}
	return nil
}

// leapRoundTrip writes ls with leapsectz.Write and reads it back.
func leapRoundTrip(ls []leapsectz.LeapSecond) error {
	for _, ver := range []byte{'2', 0} {
		var b bytes.Buffer
		err := leapsectz.Write(&b, ver, ls, "UTC")
		if ver == 0 && !fitsV1(ls) {
			// Refusing is right; writing is the known truncation.
			if err == nil && harness.Strict() {
				return v1Truncated(b.Bytes(), ls)
			}
			continue
		}
		if err != nil {
			return harness.Violated("roundtrip", "Write", "version %q: %v", ver, err)
		}
		back, err, bad := parseLeapBytes(b.Bytes())
		if bad != nil {
			return bad
		}
		if err != nil {
			return harness.Violated("roundtrip", "Parse", "version %q file of %d records: %v", ver, len(ls), err)
		}
		if err := sameLeaps(fmt.Sprintf("Write(%q)", ver), ls, back); err != nil {
			return err
		}
		ref, err := readTZif(b.Bytes())
		if err != nil {
			return harness.Violated("roundtrip", "Write", "version %q file unreadable by the RFC 9636 reader: %v", ver, err)
		}
		if err := leapAgree(back, nil, ref, nil); err != nil {
			return err
		}
	}
	return nil
}

// fitsV1 reports whether every time fits a version 1 leap record: 32 bits,
// signed, and a leap time is nonnegative (RFC 9636 section 3.2), so at
// most 2^31-1.
func fitsV1(ls []leapsectz.LeapSecond) bool {
	for _, l := range ls {
		if l.Tleap > math.MaxInt32 {
			return false
		}
	}
	return true
}

func sameLeaps(field string, want, got []leapsectz.LeapSecond) error {
	if len(want) != len(got) {
		return harness.Violated("roundtrip", field+".len", "wrote %d records, read %d", len(want), len(got))
	}
	for i := range want {
		if want[i] != got[i] {
			return harness.Violated("roundtrip", field+".LeapSecond", "record %d: wrote %+v, read %+v", i, want[i], got[i])
		}
	}
	return nil
}
