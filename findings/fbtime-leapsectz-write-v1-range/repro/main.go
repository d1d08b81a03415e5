// Command repro shows that github.com/facebook/time's leapsectz.Write
// writes the low 32 bits of a leap second time that does not fit a version
// 1 TZif file, and returns no error: the file names another instant.
// (RFC 8536 section 3.2: a version 1 data block holds 4-octet times, and a
// leap second's time is nonnegative, so the largest is 2^31-1, 2038-01-19.)
//
// It writes a version 1 file whose second leap second is at 2^32 + 78796800
// (year 2108) and reads it back with leapsectz.Parse. Exit status 1 when
// Write succeeds and the file holds a different time, 0 when Write refuses
// the time or the file holds it.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/facebook/time/leapsectz"
)

func main() {
	ls := []leapsectz.LeapSecond{
		{Tleap: 78796800, Nleap: 1},         // 1972-07-01
		{Tleap: 1<<32 + 78796800, Nleap: 2}, // 2108-08-07, beyond 32 bits
	}
	var b bytes.Buffer
	if err := leapsectz.Write(&b, 0, ls, "UTC"); err != nil {
		fmt.Printf("absent: Write(version 1) refuses the time %d: %v\n", ls[1].Tleap, err)
		return
	}
	// The leap records of a version 1 file with no transitions, one local
	// time type and the 4-octet designation "UTC\0" start at 44+6+4.
	rec := b.Bytes()[54+8:]
	fmt.Printf("Write(version 1) of %d returned no error; the record holds % x\n", ls[1].Tleap, rec[:8])
	dir, err := os.MkdirTemp("", "repro")
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "UTC")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	back, err := leapsectz.Parse(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro: Parse:", err)
		os.Exit(2)
	}
	if len(back) != len(ls) || back[1] != ls[1] {
		fmt.Printf("present: wrote %+v, the file holds %+v: the second leap time reads back as %d (%d) instead of %d (%d)\n",
			ls, back, back[1].Tleap, year(back[1].Tleap), ls[1].Tleap, year(ls[1].Tleap))
		os.Exit(1)
	}
	fmt.Printf("absent: the file holds %+v\n", back)
}

func year(t uint64) int { return time.Unix(int64(t), 0).UTC().Year() }
