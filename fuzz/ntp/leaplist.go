package ntpfuzz

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file is an independent reader of the two text forms of the leap
// second table that tzdata ships, written from the formats' own
// descriptions, so that the table can be turned into the leap records a
// TZif file holds and checked against facebook/time's leapsectz:
//   - leap-seconds.list (IERS/NIST): "#$" last update and "#@" expiry as NTP
//     seconds, "#h" a SHA-1 of the data, and lines "NTP-seconds TAI-UTC";
//     the first line is the start of UTC as defined since 1972, not a leap;
//   - leapseconds (zic(8) input): "Leap YEAR MONTH DAY HH:MM:SS CORR R/S"
//     lines and an optional "Expires YEAR MONTH DAY HH:MM:SS" line.
//
// Both become the records zic writes into right/UTC: a record's time is the
// POSIX time of the leap (midnight after a positive leap, the omitted
// 23:59:59 before a negative one, as zic reads the two) plus the correction
// in force before it; its correction is the total since 1972.

// ntpUnixOffset is the number of seconds from the NTP epoch (1900) to the
// POSIX epoch (1970).
const ntpUnixOffset = 2208988800

// leapTable is a parsed text table.
type leapTable struct {
	Leaps []tzifLeap
	// HashOK reports whether a leap-seconds.list "#h" line matched the
	// SHA-1 of the data; false for a leapseconds file, which has none.
	HashOK bool
}

// parseLeapText reads either form; a file with a "Leap" line is zic input.
func parseLeapText(data []byte) (leapTable, error) {
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.EqualFold(f[0], "Leap") {
			return parseZicLeaps(data)
		}
	}
	return parseLeapSecondsList(data)
}

// leapStep appends the record of one change of the total correction from
// prev to corr at POSIX time t, the way zic does.
func leapStep(out []tzifLeap, t int64, prev, corr int32) ([]tzifLeap, error) {
	if d := corr - prev; d != 1 && d != -1 {
		return out, fmt.Errorf("leap: correction goes from %d to %d at %d; a leap second changes it by one", prev, corr, t)
	}
	if n := len(out); n > 0 && t <= out[n-1].Occur-int64(corrBefore(out, n-1)) {
		return out, fmt.Errorf("leap: leap at %d is not after the previous one", t)
	}
	return append(out, tzifLeap{Occur: t + int64(prev), Corr: corr}), nil
}

// corrBefore is the correction in force before record i.
func corrBefore(out []tzifLeap, i int) int32 {
	if i == 0 {
		return 0
	}
	return out[i-1].Corr
}

func parseLeapSecondsList(data []byte) (leapTable, error) {
	var tab leapTable
	var hashed bytes.Buffer
	var update, expire, hash string
	var base, prev int32
	seen := false
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		switch {
		case strings.HasPrefix(line, "#$"):
			update = strings.TrimSpace(line[2:])
			continue
		case strings.HasPrefix(line, "#@"):
			expire = strings.TrimSpace(line[2:])
			continue
		case strings.HasPrefix(line, "#h"):
			hash = line[2:]
			continue
		}
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return tab, fmt.Errorf("leap-seconds.list line %d: %d fields, want NTP-seconds and TAI-UTC", i+1, len(f))
		}
		ntp, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || ntp < ntpUnixOffset || ntp > 1<<40 {
			return tab, fmt.Errorf("leap-seconds.list line %d: NTP time %q not a time after 1970", i+1, f[0])
		}
		dtai, err := strconv.ParseInt(f[1], 10, 32)
		if err != nil {
			return tab, fmt.Errorf("leap-seconds.list line %d: TAI-UTC %q: %w", i+1, f[1], err)
		}
		hashed.WriteString(f[0] + f[1])
		if !seen {
			seen, base, prev = true, int32(dtai), 0
			continue
		}
		corr := int32(dtai) - base
		t := ntp - ntpUnixOffset
		if corr < prev {
			t-- // the omitted 23:59:59
		}
		if tab.Leaps, err = leapStep(tab.Leaps, t, prev, corr); err != nil {
			return tab, fmt.Errorf("leap-seconds.list line %d: %w", i+1, err)
		}
		prev = corr
	}
	if !seen {
		return tab, fmt.Errorf("leap-seconds.list: no data lines")
	}
	tab.HashOK = hash != "" && listHash(update+expire+hashed.String()) == normalHash(hash)
	return tab, nil
}

// listHash is the "#h" value of leap-seconds.list: SHA-1 of the digits of
// the update time, the expiry and every data line, as five 32-bit words.
func listHash(digits string) string {
	sum := sha1.Sum([]byte(digits))
	var w []string
	for i := 0; i < len(sum); i += 4 {
		w = append(w, strconv.FormatUint(uint64(binary.BigEndian.Uint32(sum[i:])), 16))
	}
	return strings.Join(w, " ")
}

// normalHash writes a "#h" value's words without leading zeros, the way
// the file may print them.
func normalHash(s string) string {
	var w []string
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseUint(f, 16, 32)
		if err != nil {
			return ""
		}
		w = append(w, strconv.FormatUint(v, 16))
	}
	return strings.Join(w, " ")
}

// zicMonth reads a month name the way zic does: any unambiguous prefix of
// the English name, in any case.
func zicMonth(s string) (time.Month, bool) {
	var found time.Month
	for m := time.January; m <= time.December; m++ {
		if len(s) > 0 && strings.HasPrefix(strings.ToLower(m.String()), strings.ToLower(s)) {
			if found != 0 {
				return 0, false
			}
			found = m
		}
	}
	return found, found != 0
}

var zicClock = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2}):([0-9]{2})$`)

// zicTime reads YEAR MONTH DAY HH:MM:SS into POSIX seconds; the seconds
// may be 60, which zic reads as the first second of the next day.
func zicTime(f []string) (int64, error) {
	year, err := strconv.Atoi(f[0])
	if err != nil || year < 1970 || year > 9999 {
		return 0, fmt.Errorf("year %q", f[0])
	}
	mon, ok := zicMonth(f[1])
	if !ok {
		return 0, fmt.Errorf("month %q", f[1])
	}
	day, err := strconv.Atoi(f[2])
	if err != nil || day < 1 || day > 31 || time.Date(year, mon, day, 0, 0, 0, 0, time.UTC).Day() != day {
		return 0, fmt.Errorf("day %q", f[2])
	}
	m := zicClock.FindStringSubmatch(f[3])
	if m == nil {
		return 0, fmt.Errorf("time %q", f[3])
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	ss, _ := strconv.Atoi(m[3])
	if hh > 23 || mm > 59 || ss > 60 {
		return 0, fmt.Errorf("time %q", f[3])
	}
	return time.Date(year, mon, day, 0, 0, 0, 0, time.UTC).Unix() + int64(hh*3600+mm*60+ss), nil
}

func parseZicLeaps(data []byte) (leapTable, error) {
	var tab leapTable
	var prev int32
	expires := false
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(f[0], "Leap") && len(f) == 7:
			t, err := zicTime(f[1:5])
			if err != nil {
				return tab, fmt.Errorf("leapseconds line %d: %w", i+1, err)
			}
			corr := prev
			switch f[5] {
			case "+":
				corr++
			case "-":
				corr--
			default:
				return tab, fmt.Errorf("leapseconds line %d: correction %q, want + or -", i+1, f[5])
			}
			if r := strings.ToUpper(f[6]); r != "S" && r != "R" && r != "STATIONARY" && r != "ROLLING" {
				return tab, fmt.Errorf("leapseconds line %d: %q, want S or R", i+1, f[6])
			}
			if tab.Leaps, err = leapStep(tab.Leaps, t, prev, corr); err != nil {
				return tab, fmt.Errorf("leapseconds line %d: %w", i+1, err)
			}
			prev = corr
		case strings.EqualFold(f[0], "Expires") && len(f) == 5 && !expires:
			if _, err := zicTime(f[1:5]); err != nil {
				return tab, fmt.Errorf("leapseconds line %d: %w", i+1, err)
			}
			expires = true
		default:
			return tab, fmt.Errorf("leapseconds line %d: %q is neither a Leap nor an Expires line", i+1, line)
		}
	}
	if len(tab.Leaps) == 0 {
		return tab, fmt.Errorf("leapseconds: no Leap lines")
	}
	return tab, nil
}
