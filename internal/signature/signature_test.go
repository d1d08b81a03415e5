package signature

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"runtime error: index out of range [105] with length 6", "runtime error: index out of range"},
		{"runtime error: index out of range [-1]", "runtime error: index out of range"},
		{"runtime error: slice bounds out of range [:12] with capacity 4", "runtime error: slice bounds out of range"},
		{"runtime error: slice bounds out of range [7:3]", "runtime error: slice bounds out of range"},
		{"runtime error: invalid memory address or nil pointer dereference [recovered, repanicked]", "runtime error: invalid memory address or nil pointer dereference"},
		{"runtime error: cannot convert slice with length 3 to array or pointer to array with length 4", "runtime error: cannot convert slice to array"},
		{"dns: overflow unpacking uint16 at offset 4411", "dns: overflow unpacking uint16 at offset N"},
		{"bad pointer 0xc000123456 in goroutine 17", "bad pointer ADDR in goroutine N"},
		{`unknown name "example.com." at 12`, `unknown name "S" at N`},
		{"took 1.5s and 300ms", "took N and N"},
		{"line one\n\tline two", "line one line two"},
		{"runtime: goroutine stack exceeds 1000000000-byte limit", "runtime: goroutine stack exceeds N-byte limit"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeField(t *testing.T) {
	if got := NormalizeField("Answer[12].Hdr.Opt[0]"); got != "Answer.Hdr.Opt" {
		t.Errorf("got %q", got)
	}
}

// The same bug found from different inputs, with different numbers in its
// panic message, under go test and under go test -fuzz, is one signature;
// different bugs are different ones.
func TestSameBugSameID(t *testing.T) {
	id := func(name string) string {
		g := readGolden(t, "testdata/report/"+name)
		c, err := Parse(g.log, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c.Sig.ID()
	}
	// 1: plain go test -run of input "ii\x05abc" (index 105); 6: the same
	// input as a seed under -fuzz; 9: an input found by the fuzzer (index 83);
	// 12: the same input re-panicked by harness.Check's suppression guard.
	same := []string{id("1"), id("6"), id("9"), id("12")}
	for _, s := range same[1:] {
		if s != same[0] {
			t.Errorf("same bug, different ids: %v", same)
		}
	}
	// 4 and 8: one oracle violation, plain and under -fuzz.
	if id("4") != id("8") {
		t.Errorf("oracle violation: %s != %s", id("4"), id("8"))
	}
	// Different bugs: index panic, nil dereference, custom panic, oracle,
	// goroutine panic, hang, oom.
	seen := map[string]string{}
	for _, n := range []string{"1", "2", "3", "4", "5", "10", "11"} {
		if prev, ok := seen[id(n)]; ok {
			t.Errorf("different bugs %s and %s share id %s", prev, n, id(n))
		}
		seen[id(n)] = n
	}
}

func TestFrameFilter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plumb bool
	}{
		{"runtime.gopanic", true},
		{"panic", true},
		{"testing.tRunner.func1", true},
		{"internal/fuzz.RunFuzzWorker", true},
		{"reflect.Value.call", true},
		{HarnessPackage + ".Check", true},
		{HarnessPackage + ".Check.func1", true},
		{"github.com/daemonfuzz/daemonfuzz/fuzz/dns.FuzzWire.func1", true},
		{"github.com/daemonfuzz/daemonfuzz/fuzz/dns.FuzzWire", true},
		{"github.com/daemonfuzz/daemonfuzz/fuzz/dns.Wire", false},
		{"github.com/miekg/dns.unpackDataSVCB", false},
		{"github.com/miekg/dns.(*Msg).Unpack", false},
		{"encoding/binary.bigEndian.Uint16", false},
	} {
		if got := normFrame(tc.name).isPlumbing(); got != tc.plumb {
			t.Errorf("isPlumbing(%s) = %v, want %v", tc.name, got, tc.plumb)
		}
	}
}

func TestNormFrame(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/x/y.F.func1":            "github.com/x/y.F.func",
		"github.com/x/y.F.func1.2":          "github.com/x/y.F.func",
		"github.com/x/y.F.gowrap3":          "github.com/x/y.F.gowrap",
		"github.com/x/y.Map[...].Get":       "github.com/x/y.Map.Get",
		"github.com/x/y.(*T[...]).M.func12": "github.com/x/y.(*T).M.func",
	} {
		if got := string(normFrame(in)); got != want {
			t.Errorf("normFrame(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		sig  Signature
		pkg  string
		want string
	}{
		{Signature{Kind: KindPanic, Message: "runtime error: index out of range", Frames: []string{"github.com/miekg/dns.unpackDataSVCB", "github.com/miekg/dns.(*SVCB).unpack"}}, "", "dns: index out of range in unpackDataSVCB"},
		{Signature{Kind: KindPanic, Message: "runtime error: slice bounds out of range", Frames: []string{"encoding/binary.bigEndian.Uint16", "github.com/insomniacslk/dhcp/dhcpv4.(*Options).FromBytes"}}, "", "dhcpv4: slice bounds out of range in Options.FromBytes"},
		{Oracle("differential", "Answer[0].Hdr.Ttl"), "dns", "dns: oracle differential violated at Answer.Hdr.Ttl"},
		{Signature{Kind: KindHang}, "ntp", "ntp: hang"},
		{Signature{Kind: KindPanic, Message: "dns: bad rdata", Frames: []string{"github.com/miekg/dns.f"}}, "", "dns: bad rdata in f"},
	} {
		if got := tc.sig.Title(tc.pkg, ""); got != tc.want {
			t.Errorf("Title = %q, want %q", got, tc.want)
		}
	}
}

func TestParseNothing(t *testing.T) {
	_, err := Parse([]byte("ok  \tgithub.com/x/y\t0.01s\n"), "")
	if !errors.Is(err, ErrNoCrash) {
		t.Fatalf("err = %v, want ErrNoCrash", err)
	}
}

func TestParseHint(t *testing.T) {
	g := readGolden(t, "testdata/report/10")
	c, err := Parse(g.log, KindOOM)
	if err != nil || c.Sig.Kind != KindOOM || len(c.Stack) == 0 {
		t.Fatalf("hint oom: %+v, %v", c, err)
	}
	c, err = Parse(nil, KindHang)
	if err != nil || c.Sig.Kind != KindHang {
		t.Fatalf("hint hang on empty output: %+v, %v", c, err)
	}
}

// crashers are panics the in-process test compares with what the runtime
// prints when the same panic kills a process.
var crashers = map[string]func(){
	"index": func() { indexBug(make([]byte, 3), 7) },
	"nil":   func() { var p *struct{ x int }; fmt.Println(p.x) },
	"error": func() { panic(fmt.Errorf("decode: bad length %d", 12)) },
	"slice": func() { b := make([]byte, 2); n := 9; fmt.Println(b[1:n]) },
}

//go:noinline
func indexBug(b []byte, i int) byte { return b[i] }

// crash runs a crasher two calls down, so the top FrameDepth frames are the
// same whether the test calls it or TestMain does.
//
//go:noinline
func crash(name string) { crash2(name) }

//go:noinline
func crash2(name string) { crash3(name) }

//go:noinline
func crash3(name string) { crashers[name]() }

// TestMain re-executes the test binary as a crasher when asked, so the
// in-process test can see the runtime's own report of the same panic.
func TestMain(m *testing.M) {
	if name := os.Getenv("SIGNATURE_TEST_CRASH"); name != "" {
		crash(name)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// FromPanic on a recovered value and debug.Stack gives the signature Parse
// gives for the runtime's report of the same panic.
func TestFromPanicMatchesParse(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	for name := range crashers {
		t.Run(name, func(t *testing.T) {
			var in Crash
			func() {
				defer func() {
					v := recover()
					in = FromPanic(v, debug.Stack())
				}()
				crash(name)
			}()
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "SIGNATURE_TEST_CRASH="+name)
			out, _ := cmd.CombinedOutput()
			outC, err := Parse(out, "")
			if err != nil {
				t.Fatalf("Parse(%s): %v", out, err)
			}
			if in.Sig.Text() != outC.Sig.Text() {
				t.Errorf("in-process:\n%s\nprocess output:\n%s\nraw output:\n%s", in.Sig.Text(), outC.Sig.Text(), out)
			}
			if len(in.Sig.Frames) == 0 || !strings.Contains(in.Sig.Frames[0], "signature.") {
				t.Errorf("frames %q do not start in this package", in.Sig.Frames)
			}
		})
	}
}

// A value recovered and re-panicked on the way up (by the harness guard or
// a target's own recover) is identified where it was first panicked.
func TestRepanicKeepsOrigin(t *testing.T) {
	direct := func() (c Crash) {
		defer func() { c = FromPanic(recover(), debug.Stack()) }()
		crash("index")
		return
	}()
	wrapped := func() (c Crash) {
		defer func() { c = FromPanic(recover(), debug.Stack()) }()
		func() {
			defer func() {
				if v := recover(); v != nil {
					panic(v)
				}
			}()
			crash("index")
		}()
		return
	}()
	if direct.Sig.Text() != wrapped.Sig.Text() {
		t.Errorf("direct:\n%s\nre-panicked:\n%s", direct.Sig.Text(), wrapped.Sig.Text())
	}
}

func TestOracleDetail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"packed message does not unpack: dns: domain name exceeded 255 wire-format octets", "packed message does not unpack: dns: domain name exceeded N wire-format octets"},
		{"0x3 != 0x4", ""},
		{"16 != 0: net.IP{0x0} != net.IP(nil)", ""},
		{`"abc" != "ab"`, ""},
		{"1 != 0 (wire 0000008b0010)", ""},
		{"String form does not parse: dns: bad NSEC TypeBitMap: \"None\" at line: 1:53", "String form does not parse: dns: bad NSEC TypeBitMap"},
		{"accessor returned [  ], constructor was given [ \x00 ]", "accessor returned"},
		{"MAC 5b18e76ab27076f45ba6d103dd414678 disagrees\nsecond line", "MAC HEX disagrees"},
		{"0 associations listed, data holds 1", "N associations listed, data holds N"},
	} {
		if got := OracleDetail(tc.in); got != tc.want {
			t.Errorf("OracleDetail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if Oracle("roundtrip", "Msg.Answer[0].A").ID() != OracleViolation("roundtrip", "Msg.Answer[3].A", "0x1 != 0x2").ID() {
		t.Error("a value-only detail changed the signature")
	}
	if OracleViolation("roundtrip", "Unpack", "x: dns: a").ID() == OracleViolation("roundtrip", "Unpack", "x: dns: b").ID() {
		t.Error("two deciding details gave one signature")
	}
}

func TestRelStack(t *testing.T) {
	in := []StackFrame{
		{Func: "github.com/miekg/dns.(*Msg).Unpack", File: "/root/go/pkg/mod/github.com/miekg/dns@v1.1.73/msg.go", Line: 1},
		{Func: "sort.insertionSort", File: "/usr/local/go/src/sort/zsortinterface.go", Line: 12},
		{Func: "example.com/m/fuzz/dns.Wire", File: "/work/here/fuzz/dns/wire.go", Line: 3},
		{Func: "example.com/m/fuzz/dns.Wire", File: "/elsewhere/checkout/fuzz/dns/wire.go", Line: 4},
		{Func: "other.org/x.F", File: "/somewhere/x.go", Line: 5},
		{Func: "example.com/m/fuzz/dns.Wire", File: "fuzz/dns/wire.go", Line: 6},
	}
	want := []string{"github.com/miekg/dns@v1.1.73/msg.go", "$GOROOT/src/sort/zsortinterface.go", "fuzz/dns/wire.go", "fuzz/dns/wire.go", "/somewhere/x.go", "fuzz/dns/wire.go"}
	got := RelStack(in, "/work/here", "example.com/m")
	for i := range want {
		if got[i].File != want[i] || got[i].Line != in[i].Line {
			t.Errorf("frame %d: %s:%d, want %s", i, got[i].File, got[i].Line, want[i])
		}
	}
}
