package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/facebook/time/leapsectz"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// zoneinfo is where Debian's tzdata installs the leap-second files.
const zoneinfo = "/usr/share/zoneinfo/"

// tzdataSource names the installed tzdata package and version, the
// provenance of every seed read from it.
func tzdataSource() (string, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", "tzdata").Output()
	if err != nil || len(out) == 0 {
		return "", fmt.Errorf("tzdata: dpkg-query: %v (install Debian's tzdata package)", err)
	}
	return "tzdata " + string(out), nil
}

// leapSeeds are the leap-second files every NTP and PTP daemon reads at
// start, from Debian's tzdata (corpus/leap-tzif: TZif files with leap
// records; corpus/leap-table: leap-seconds.list and the zic leapseconds
// table), plus the TZif versions tzdata does not ship (1, 3, 4), made from
// right/UTC by facebook/time's own writer or by editing the version octets.
func leapSeeds() ([]seed, error) {
	pkg, err := tzdataSource()
	if err != nil {
		return nil, err
	}
	var out []seed
	read := func(format, name string) ([]byte, error) {
		b, err := os.ReadFile(zoneinfo + name)
		if err != nil {
			return nil, fmt.Errorf("tzdata: %w", err)
		}
		out = append(out, seed{format, corpus.KindImported, pkg + ": " + zoneinfo + name, b})
		return b, nil
	}
	for _, n := range []string{"leap-seconds.list", "leapseconds"} {
		if _, err := read("leap-table", n); err != nil {
			return nil, err
		}
	}
	utc, err := read("leap-tzif", "right/UTC")
	if err != nil {
		return nil, err
	}
	for _, n := range []string{"right/Europe/Berlin", "right/America/New_York", "right/Australia/Lord_Howe", "posix/UTC"} {
		if _, err := read("leap-tzif", n); err != nil {
			return nil, err
		}
	}
	ls, err := leapsectz.Parse(zoneinfo + "right/UTC")
	if err != nil {
		return nil, fmt.Errorf("tzdata: right/UTC: %w", err)
	}
	var v1 bytes.Buffer
	if err := leapsectz.Write(&v1, 0, ls, "UTC"); err != nil {
		return nil, err
	}
	handmade := func(format, what string, b []byte) {
		out = append(out, seed{format, corpus.KindHandmade, src + ": " + what, b})
	}
	handmade("leap-tzif", "version 1 TZif of "+pkg+" right/UTC's leap records, by leapsectz.Write", v1.Bytes())
	for _, v := range []byte{'3', '4'} {
		b := bytes.Clone(utc)
		b[4] = v
		if i := bytes.Index(b[44:], []byte("TZif2")); i >= 0 {
			b[44+i+4] = v
		}
		handmade("leap-tzif", fmt.Sprintf("%s right/UTC with version octets %q (RFC 9636)", pkg, v), b)
	}
	handmade("leap-table", "leapseconds with a negative leap second and an Expires line (zic(8))", []byte(strings.Join([]string{
		"# zic leap table",
		"Leap\t1972\tJun\t30\t23:59:60\t+\tS",
		"Leap\t1972\tDec\t31\t23:59:60\t+\tS",
		"Leap\t2030\tJun\t30\t23:59:59\t-\tS",
		"Leap\t2031\tDec\t31\t23:59:60\t+\tR",
		"Expires\t2032\tJun\t28\t00:00:00",
		"",
	}, "\n")))
	handmade("leap-table", "leap-seconds.list with a negative leap second", []byte(strings.Join([]string{
		"#$\t3960835200",
		"#@\t3991593600",
		"2272060800\t10\t# 1 Jan 1972",
		"2287785600\t11\t# 1 Jul 1972",
		"4102444800\t10\t# 1 Jan 2030",
		"#h\t0 0 0 0 0",
		"",
	}, "\n")))
	return out, nil
}
