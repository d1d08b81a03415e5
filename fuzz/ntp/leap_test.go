package ntpfuzz

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/facebook/time/leapsectz"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// leapSeed returns the corpus seed whose manifest source ends in suffix.
func leapSeed(t *testing.T, format, suffix string) []byte {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := corpus.FindRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	d := corpus.Dir{Root: root, Format: format}
	m, err := d.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m {
		if len(p.Source) >= len(suffix) && p.Source[len(p.Source)-len(suffix):] == suffix {
			b, err := os.ReadFile(filepath.Join(d.Path(), p.File))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s seed from %s in the manifest", format, suffix)
	return nil
}

// TestTzdataLeapFilesAgree is the differential against the system's own
// leap data: tzdata's right/UTC, read by leapsectz and by the RFC 9636
// reader, holds exactly the records derived from its leap-seconds.list and
// from its zic leapseconds table (the seeds are copies of Debian's files).
func TestTzdataLeapFilesAgree(t *testing.T) {
	tzif := leapSeed(t, "leap-tzif", "/usr/share/zoneinfo/right/UTC")
	ref, err := readTZif(tzif)
	if err != nil {
		t.Fatal(err)
	}
	ls, perr, bad := parseLeapBytes(tzif)
	if perr != nil || bad != nil {
		t.Fatalf("leapsectz.Parse(right/UTC): %v %v", perr, bad)
	}
	if err := leapAgree(ls, nil, ref, nil); err != nil {
		t.Fatal(err)
	}
	list, err := parseLeapText(leapSeed(t, "leap-table", "/usr/share/zoneinfo/leap-seconds.list"))
	if err != nil {
		t.Fatal(err)
	}
	if !list.HashOK {
		t.Error("leap-seconds.list: its #h hash does not match its data")
	}
	zic, err := parseLeapText(leapSeed(t, "leap-table", "/usr/share/zoneinfo/leapseconds"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tab := range map[string][]tzifLeap{"leap-seconds.list": list.Leaps, "leapseconds": zic.Leaps} {
		if len(tab) != len(ref.Leaps) {
			t.Fatalf("%s: %d leaps, right/UTC %d", name, len(tab), len(ref.Leaps))
		}
		for i := range tab {
			if tab[i] != ref.Leaps[i] {
				t.Errorf("%s leap %d: %+v, right/UTC %+v", name, i, tab[i], ref.Leaps[i])
			}
		}
	}
	if len(ref.Leaps) < 27 || ref.Leaps[0] != (tzifLeap{Occur: 78796800, Corr: 1}) {
		t.Errorf("right/UTC: first leap %+v of %d, want 1972-07-01 (78796800), correction 1", ref.Leaps[0], len(ref.Leaps))
	}
}

func TestLeapTextReaders(t *testing.T) {
	neg := []byte("Leap 1972 Jun 30 23:59:60 + S\nLeap 1973 Dec 31 23:59:59 - S\n")
	tab, err := parseLeapText(neg)
	if err != nil {
		t.Fatal(err)
	}
	// The negative leap omits 23:59:59 (126230399) with one leap in force.
	want := []tzifLeap{{78796800, 1}, {126230399 + 1, 0}}
	if len(tab.Leaps) != 2 || tab.Leaps[0] != want[0] || tab.Leaps[1] != want[1] {
		t.Fatalf("leaps %+v, want %+v", tab.Leaps, want)
	}
	for _, bad := range []string{
		"Leap 1972 Jun 30 23:59:60 + S\nLeap 1972 Jun 30 23:59:60 + S\n", // not after the previous
		"Leap 1972 Ju 30 23:59:60 + S\n",                                 // June or July
		"Leap 1972 Feb 30 23:59:60 + S\n",
		"2272060800 10\n2287785600 12\n", // two seconds at once
		"# nothing\n",
	} {
		if _, err := parseLeapText([]byte(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// leapV2 is a version 2 TZif file holding ls, from leapsectz's writer.
func leapV2(t *testing.T, ls []leapsectz.LeapSecond) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := leapsectz.Write(&b, '2', ls, "UTC"); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLeapOracles(t *testing.T) {
	ls := []leapsectz.LeapSecond{{Tleap: 78796800, Nleap: 1}, {Tleap: 94694401, Nleap: 2}}
	ref, err := readTZif(leapV2(t, ls))
	if err != nil {
		t.Fatal(err)
	}
	wantViolation(t, leapAgree(nil, errors.New("malformed"), ref, nil), "differential", "Parse")
	wantViolation(t, leapAgree(ls, nil, tzifFile{}, errors.New("short")), "differential", "Parse")
	wantViolation(t, leapAgree(ls[:1], nil, ref, nil), "differential", "len(LeapSecond)")
	wantViolation(t, leapAgree([]leapsectz.LeapSecond{ls[0], {Tleap: 94694401, Nleap: 3}}, nil, ref, nil), "differential", "LeapSecond.Nleap")
	wantViolation(t, leapAgree([]leapsectz.LeapSecond{ls[0], {Tleap: 94694400, Nleap: 2}}, nil, ref, nil), "differential", "LeapSecond.Tleap")
	wantViolation(t, sameLeaps("Write('2')", ls, ls[:1]), "roundtrip", "Write('2').len")
	wantViolation(t, sameLeaps("Write('2')", ls, []leapsectz.LeapSecond{ls[1], ls[0]}), "roundtrip", "Write('2').LeapSecond")
	wantViolation(t, v1Truncated(nil, []leapsectz.LeapSecond{{Tleap: 1 << 32, Nleap: 1}}), "roundtrip", "Write(0).Tleap")

	// Latest must return one of the file's records: give it the wrong list.
	err = withLeapFile(leapV2(t, ls), func(path string) error {
		return checkLatest(path, []leapsectz.LeapSecond{{Tleap: 1, Nleap: 1}})
	})
	wantViolation(t, err, "invariant", "Latest")

	// A version 1 time the RFC reader reads as negative names no time (RFC
	// 9636 section 3.2: leap times are nonnegative): leapsectz's unsigned
	// reading of it is not compared, its correction is. Every time the RFC
	// allows still is, in either block.
	neg := tzifFile{Block: 0, Leaps: []tzifLeap{{Occur: -5, Corr: 1}}}
	unsigned := []leapsectz.LeapSecond{{Tleap: uint64(uint32(0xfffffffb)), Nleap: 1}}
	if err := leapAgree(unsigned, nil, neg, nil); err != nil {
		t.Fatalf("a negative version 1 time is compared: %v", err)
	}
	wantViolation(t, leapAgree([]leapsectz.LeapSecond{{Tleap: unsigned[0].Tleap, Nleap: 2}}, nil, neg, nil), "differential", "LeapSecond.Nleap")
	for _, block := range []byte{0, '2'} {
		pos := tzifFile{Block: block, Leaps: []tzifLeap{{Occur: 0x7fffffff, Corr: 1}}}
		wantViolation(t, leapAgree([]leapsectz.LeapSecond{{Tleap: 0x7ffffffe, Nleap: 1}}, nil, pos, nil), "differential", "LeapSecond.Tleap")
	}
	// A version 1 file holds times up to 2^31-1.
	if !fitsV1([]leapsectz.LeapSecond{{Tleap: 0x7fffffff}}) || fitsV1([]leapsectz.LeapSecond{{Tleap: 1 << 31}}) {
		t.Error("fitsV1: the version 1 limit is 2^31-1")
	}
	wantViolation(t, v1Truncated(nil, []leapsectz.LeapSecond{{Tleap: 1 << 31, Nleap: 1}}), "roundtrip", "Write(0).Tleap")
}
