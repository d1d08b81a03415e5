package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/daemonfuzz/daemonfuzz/internal/pcapimport/pcaptest"
)

// corpusScriptCmds are the script commands testdata/script/corpus_*.txtar
// and coverage_*.txtar use besides fuzzrun itself.
var corpusScriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"mkpcap": cmdMkpcap,
}

// TestCorpusScripts runs the corpus and coverage CLI scripts with fuzzrun
// in-process.
func TestCorpusScripts(t *testing.T) {
	var files []string
	for _, pat := range []string{"corpus_*.txtar", "coverage_*.txtar"} {
		m, err := filepath.Glob(filepath.Join("testdata", "script", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){"fuzzrun": cmdFuzzrunInProcess}
	for k, v := range corpusScriptCmds {
		cmds[k] = v
	}
	testscript.Run(t, testscript.Params{Files: files, Cmds: cmds})
}

// cmdFuzzrunInProcess runs the CLI in the script's directory; go commands
// it starts inherit the test's environment (its GOCACHE and module cache).
func cmdFuzzrunInProcess(ts *testscript.TestScript, neg bool, args []string) {
	var stdout, stderr bytes.Buffer
	cli := &CLI{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: ts.MkAbs(".")}
	code := cli.Main(context.Background(), args)
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	if (code != 0) != neg {
		ts.Fatalf("fuzzrun %s: exit code %d\n%s", strings.Join(args, " "), code, stderr.String())
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
