package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport/pcaptest"
)

// The commands testdata/script/*.txtar use besides fuzzrun and testscript's
// own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"waitlines": cmdWaitLines,
	"noprocs":   cmdNoProcs,
	"minfiles":  cmdMinFiles,
	"mkpcap":    cmdMkpcap,
	"toymod":    cmdToymod,
}

// cmdWaitLines waits until FILE holds at least N lines: a condition a
// background fuzzrun reaches, not a time. It gives up after ten minutes,
// far beyond any healthy run, so a broken runner fails instead of hanging.
//
//	waitlines FILE N
func cmdWaitLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlines FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	giveUp := time.Now().Add(10 * time.Minute)
	for {
		if countLines(path) >= n {
			return
		}
		if time.Now().After(giveUp) {
			ts.Fatalf("%s never reached %d lines", args[0], n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}

// cmdNoProcs fails if any process still runs inside the script's work
// directory: a fuzzing coordinator or worker fuzzrun failed to stop.
//
//	noprocs
func cmdNoProcs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: noprocs")
	}
	work := ts.Getenv("WORK")
	ents, err := os.ReadDir("/proc")
	ts.Check(err)
	var left []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || (cwd != work && !strings.HasPrefix(cwd, work+"/")) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		left = append(left, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	if len(left) > 0 {
		ts.Fatalf("processes left running in $WORK:\n%s", strings.Join(left, "\n"))
	}
}

// cmdMinFiles checks that DIR holds at least N files.
//
//	minfiles DIR N
func cmdMinFiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: minfiles DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	ents, _ := os.ReadDir(ts.MkAbs(args[0]))
	files := 0
	for _, e := range ents {
		if !e.IsDir() {
			files++
		}
	}
	if (files >= n) == neg {
		ts.Fatalf("%s holds %d files; want %s%d", args[0], files, map[bool]string{false: "at least ", true: "fewer than "}[neg], n)
	}
}

// cmdMkpcap writes a real capture with gopacket's pcapgo writers:
//
//	mkpcap [-ng] [-link eth|sll|raw|null] [-cut N] FILE PACKET...
//
// PACKET is udp/SPORT/DPORT/PAYLOAD, udp6/SPORT/DPORT/PAYLOAD, or
// tcpdns/SPORT/MSG,MSG,... for a DNS-over-TCP connection (SYN, the framed
// messages in two segments sent out of order, a retransmission, FIN).
// PAYLOAD is a Go-quoted-string body (\x escapes allowed). -cut drops the
// last N bytes, making a truncated capture.
func cmdMkpcap(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mkpcap")
	}
	fs := flag.NewFlagSet("mkpcap", flag.ContinueOnError)
	ng := fs.Bool("ng", false, "write pcapng")
	link := fs.String("link", "eth", "link type")
	cut := fs.Int("cut", 0, "drop the last N bytes")
	if err := fs.Parse(args); err != nil || fs.NArg() < 2 {
		ts.Fatalf("usage: mkpcap [-ng] [-link eth|sll|raw|null] [-cut N] FILE PACKET...")
	}
	lt := map[string]layers.LinkType{"eth": layers.LinkTypeEthernet, "sll": layers.LinkTypeLinuxSLL, "raw": layers.LinkTypeRaw, "null": layers.LinkTypeNull}[*link]
	var pkts []pcaptest.Packet
	for _, spec := range fs.Args()[1:] {
		p, err := mkPackets(lt, spec)
		if err != nil {
			ts.Fatalf("mkpcap %s: %v", spec, err)
		}
		pkts = append(pkts, p...)
	}
	var b bytes.Buffer
	write := pcaptest.Pcap
	if *ng {
		write = pcaptest.Ng
	}
	ts.Check(write(&b, pkts))
	data := b.Bytes()
	data = data[:len(data)-*cut]
	ts.Check(os.WriteFile(ts.MkAbs(fs.Arg(0)), data, 0o644))
}

func mkPackets(lt layers.LinkType, spec string) ([]pcaptest.Packet, error) {
	parts := strings.SplitN(spec, "/", 4)
	port := func(s string) (uint16, error) {
		n, err := strconv.ParseUint(s, 10, 16)
		return uint16(n), err
	}
	switch parts[0] {
	case "udp", "udp6":
		if len(parts) != 4 {
			return nil, fmt.Errorf("want udp/SPORT/DPORT/PAYLOAD")
		}
		sp, err := port(parts[1])
		if err != nil {
			return nil, err
		}
		dp, err := port(parts[2])
		if err != nil {
			return nil, err
		}
		payload, err := strconv.Unquote(`"` + parts[3] + `"`)
		if err != nil {
			return nil, err
		}
		return []pcaptest.Packet{pcaptest.UDP(lt, parts[0] == "udp6", sp, dp, []byte(payload))}, nil
	case "tcpdns":
		if len(parts) != 3 {
			return nil, fmt.Errorf("want tcpdns/SPORT/MSG,MSG")
		}
		sp, err := port(parts[1])
		if err != nil {
			return nil, err
		}
		var stream []byte
		for _, m := range strings.Split(parts[2], ",") {
			stream = append(stream, byte(len(m)>>8), byte(len(m)))
			stream = append(stream, m...)
		}
		const isn = 1000
		half := len(stream) / 2
		return []pcaptest.Packet{
			pcaptest.TCP(sp, 53, isn, "S", nil),
			pcaptest.TCP(sp, 53, isn+1+uint32(half), "", stream[half:]),
			pcaptest.TCP(sp, 53, isn+1, "", stream[:half]),
			pcaptest.TCP(sp, 53, isn+1, "", stream[:half]),
			pcaptest.TCP(sp, 53, isn+1+uint32(len(stream)), "F", nil),
		}, nil
	}
	return nil, fmt.Errorf("unknown packet kind %q", parts[0])
}

// cmdToymod makes DIR/go.mod (holding a module line in the
// github.com/daemonfuzz/daemonfuzz/ namespace, so it may import the
// harness) use this repository through a replace directive. It copies the
// repository's requirements and go.sum, so the toy builds from the module
// cache alone with the versions the repository uses:
//
//	toymod DIR
func cmdToymod(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: toymod DIR")
	}
	dir := ts.MkAbs(args[0])
	repo := ts.Getenv("REPO")
	mod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(mod)
	ts.Check(err)
	repoMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	ts.Check(err)
	var b strings.Builder
	b.Write(data)
	b.WriteString("\nrequire github.com/daemonfuzz/daemonfuzz v0.0.0\n\nreplace github.com/daemonfuzz/daemonfuzz => " + repo + "\n")
	// The repository's go directive and require blocks, verbatim.
	inRequire := false
	for _, line := range strings.Split(string(repoMod), "\n") {
		switch {
		case strings.HasPrefix(line, "go "), strings.HasPrefix(line, "toolchain "):
			b.WriteString(line + "\n")
		case strings.HasPrefix(line, "require ("):
			inRequire = true
			b.WriteString(line + "\n")
		case inRequire:
			b.WriteString(line + "\n")
			inRequire = line != ")"
		case strings.HasPrefix(line, "require "):
			b.WriteString(line + "\n")
		}
	}
	ts.Check(os.WriteFile(mod, []byte(b.String()), 0o644))
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	ts.Check(err)
	ts.Check(os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
}
