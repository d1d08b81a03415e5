package ntpnsfuzz

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/daemonfuzz/daemonfuzz/internal/netns"
	"github.com/sirupsen/logrus"
	"github.com/vishvananda/netlink"
)

// isolatedResponder skips unless TestMain moved the process into a
// namespace of its own, and returns the process's responders.
func isolatedResponder(t *testing.T) *nsResponder {
	t.Helper()
	netns.Require(t)
	if !netns.Isolated() {
		t.Skip("skipped: TestMain could not move the process into a network namespace of its own")
	}
	r, err := sharedNSResponder()
	if err != nil {
		t.Fatal(err)
	}
	if r.lifecycle != nil {
		t.Fatalf("lifecycle: %v", r.lifecycle)
	}
	return r
}

func wantViolation(t *testing.T, err error, oracle, field string) {
	t.Helper()
	var v *harness.Violation
	if !errors.As(err, &v) {
		t.Fatalf("want a %s violation at %s, got %v", oracle, field, err)
	}
	if v.Oracle != oracle || v.Field != field {
		t.Fatalf("want oracle %s at %s, got %s at %s (%s)", oracle, field, v.Oracle, v.Field, v.Detail)
	}
}

func TestResponderNSServesEveryAddress(t *testing.T) {
	r := isolatedResponder(t)
	var n int
	for _, s := range r.servers {
		for _, dst := range s.addrs {
			reply, from, out := r.client.exchange(s, dst, validProbe(), r.wait)
			if reply == nil || from != dst {
				t.Errorf("%s server at %v: reply %x from %v, outcome %q", s.name, dst, reply, from, out)
			}
			n++
		}
	}
	// The NTS server on the veth's IPv4 and IPv6 addresses, the plain one
	// on its loopback address.
	if n != 3 {
		t.Errorf("%d addresses served, want 3", n)
	}
	for _, data := range [][]byte{validProbe(), {0xff}, append(validProbe(), make([]byte, 100)...)} {
		if err := ResponderNS(data); err != nil {
			t.Errorf("ResponderNS(%x): %v", data, err)
		}
	}
}

func TestReplySourceOracleCanFail(t *testing.T) {
	r := isolatedResponder(t)
	s := r.servers[0]
	dst := s.addrs[0]
	r.mu.Lock()
	defer r.mu.Unlock()
	reply, from, out := r.client.exchange(s, dst, validProbe(), r.wait)
	if reply == nil {
		t.Skipf("no reply in time (outcome %q): a starved machine", out)
	}
	if err := judge(s.nts, dst, validProbe(), reply, from, out); err != nil {
		t.Fatalf("the real exchange: %v", err)
	}
	other := netip.AddrPortFrom(netip.MustParseAddr("10.77.0.99"), dst.Port())
	wantViolation(t, judge(s.nts, dst, validProbe(), reply, other, out), "loop", "Reply.Source")
}

func TestPlainServerIsJudgedOnItsFirst48Octets(t *testing.T) {
	r := isolatedResponder(t)
	plain := r.servers[1]
	if plain.nts {
		t.Fatal("servers[1] is not the plain server")
	}
	// A valid header followed by octets that are no extension field: the
	// NTS server rejects it, the plain one answers its first 48 octets.
	data := append(validProbe(), 0xde, 0xad, 0xbe, 0xef)
	r.mu.Lock()
	defer r.mu.Unlock()
	reply, from, out := r.client.exchange(plain, plain.addrs[0], data, r.wait)
	if reply == nil {
		t.Skipf("no reply in time (outcome %q): a starved machine", out)
	}
	if err := judge(false, plain.addrs[0], data, reply, from, out); err != nil {
		t.Fatal(err)
	}
	// Judged as an NTS server would be, the answer is a violation.
	wantViolation(t, judge(true, plain.addrs[0], data, reply, from, out), "invariant", "Response")
}

func TestServingOracleCanFail(t *testing.T) {
	r := isolatedResponder(t)
	s := r.servers[1]
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.alive(s, s.addrs[0], time.Now().Add(r.budget)); err != nil {
		t.Fatalf("a live server: %v", err)
	}
	// Nothing listens there: no verdict ever comes.
	saved, savedLive := r.wait, r.liveWait
	r.wait, r.liveWait = 50*time.Millisecond, 20*time.Millisecond
	defer func() { r.wait, r.liveWait = saved, savedLive }()
	dead := netip.AddrPortFrom(netip.MustParseAddr("10.77.1.99"), 123)
	wantViolation(t, r.alive(s, dead, time.Now().Add(time.Second)), "loop", "Serving")
	// Without the time to tell a hang from load, it does not judge.
	if err := r.alive(s, dead, time.Now().Add(30*time.Millisecond)); err != nil {
		t.Fatalf("judged with 30 ms left: %v", err)
	}
}

func TestCheckerOracleCanFail(t *testing.T) {
	r := isolatedResponder(t)
	s := r.servers[0]
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check(s, s.addrs[0], validProbe(), time.Now().Add(r.budget)); err != nil {
		t.Fatalf("a healthy server: %v", err)
	}
	s.checker.ExpectedWorkers++
	defer func() { s.checker.ExpectedWorkers-- }()
	wantViolation(t, r.check(s, s.addrs[0], validProbe(), time.Now().Add(r.budget)), "loop", "Checker")
}

func TestAnnounceOracleCanFail(t *testing.T) {
	a := &nsAnnounce{want: []net.IP{net.ParseIP("10.77.1.1")}, fail: true}
	if err := a.Advertise([]net.IP{net.ParseIP("10.77.1.1")}); err != nil || a.err() != nil {
		t.Fatalf("first announcement of the configured address: %v, %v", err, a.err())
	}
	if err := a.Advertise([]net.IP{net.ParseIP("10.77.1.1")}); !errors.Is(err, errAnnounce) {
		t.Fatalf("second announcement: %v, want the injected failure", err)
	}
	a.Advertise([]net.IP{net.ParseIP("10.77.1.2")})
	wantViolation(t, a.err(), "loop", "Announce.Advertise")
}

func TestStopOracleCanFail(t *testing.T) {
	isolatedResponder(t)
	p, err := netns.ProcessPair()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sharedNSResponder()
	// An address the server does not manage (-manage=false) stays on the
	// interface after Stop.
	vip := netip.MustParseAddr("10.77.1.201")
	if err := addToLoopback(vip); err != nil {
		t.Fatal(err)
	}
	defer func() {
		lo, _ := netlink.LinkByName("lo")
		netlink.AddrDel(lo, &netlink.Addr{IPNet: &net.IPNet{IP: vip.AsSlice(), Mask: net.CIDRMask(32, 32)}})
	}()
	r.mu.Lock()
	defer r.mu.Unlock()
	violation, err := lifecycle(p, r.client, "-manage=false", "-ip", vip.String())
	if err != nil {
		t.Fatal(err)
	}
	wantViolation(t, violation, "loop", "Server.Stop")
}

func TestFatalLogIsAPanicWithItsMessage(t *testing.T) {
	l := logrus.New()
	l.SetOutput(io.Discard)
	l.AddHook(fatalHook{})
	l.ExitFunc = func(int) { t.Fatal("the process would have exited") }
	defer func() {
		if v, ok := recover().(string); !ok || !strings.Contains(v, "log.fatal: listening error: bind") {
			t.Fatalf("recovered %v", v)
		}
	}()
	l.Fatalf("listening error: %s", "bind")
}
