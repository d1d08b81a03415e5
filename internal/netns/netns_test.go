package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// echo opens a UDP socket on addr in the server namespace and answers every
// datagram with its sender's address, until the socket is closed.
func echo(t *testing.T, p *Pair, addr *net.UDPAddr) *net.UDPConn {
	t.Helper()
	var c *net.UDPConn
	if err := p.Server.Do(func() (err error) {
		c, err = net.ListenUDP("udp", addr)
		return err
	}); err != nil {
		t.Fatalf("listen on %v in the server namespace: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			_, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			// Without the zone: Go names a zone through a process-wide
			// cache of interface names, whichever namespace they were in.
			c.WriteToUDPAddrPort([]byte(from.Addr().WithZone("").String()), from)
		}
	}()
	return c
}

func TestPairCarriesUDPOnEveryAddress(t *testing.T) {
	Require(t)
	p, err := NewPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srvZone, cliZone := strconv.Itoa(p.ServerIndex), strconv.Itoa(p.ClientIndex)
	for _, tc := range []struct {
		name     string
		srv, cli netip.Addr
		srvZone  string
		cliZone  string
	}{
		{"ipv4", p.ServerIPv4, p.ClientIPv4, "", ""},
		{"ipv6", p.ServerIPv6, p.ClientIPv6, "", ""},
		{"link-local", p.ServerLinkLocal, p.ClientLinkLocal, srvZone, cliZone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := echo(t, p, &net.UDPAddr{IP: tc.srv.AsSlice(), Zone: tc.srvZone})
			port := srv.LocalAddr().(*net.UDPAddr).Port
			var c *net.UDPConn
			if err := p.Client.Do(func() (err error) {
				c, err = net.DialUDP("udp",
					&net.UDPAddr{IP: tc.cli.AsSlice(), Zone: tc.cliZone},
					&net.UDPAddr{IP: tc.srv.AsSlice(), Port: port, Zone: tc.cliZone})
				return err
			}); err != nil {
				t.Fatalf("dial from the client namespace: %v", err)
			}
			defer c.Close()
			buf := make([]byte, 100)
			// UDP may lose a datagram on a starved machine; try a few times.
			for try := 0; ; try++ {
				if _, err := c.Write([]byte("hello")); err != nil {
					t.Fatal(err)
				}
				c.SetReadDeadline(time.Now().Add(2 * time.Second))
				n, err := c.Read(buf)
				if err == nil {
					if got := string(buf[:n]); got != tc.cli.String() {
						t.Fatalf("server saw the request from %s, want %s", got, tc.cli)
					}
					return
				}
				if try == 5 {
					t.Fatalf("no answer from %v: %v", srv.LocalAddr(), err)
				}
			}
		})
	}
}

// interfaces lists the interface names the calling thread sees.
func interfaces() ([]string, error) {
	ifs, err := net.Interfaces()
	var names []string
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	return names, err
}

func TestDoRunsInTheNamespaceAndLeavesTheCallerAlone(t *testing.T) {
	Require(t)
	p, err := NewPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tc := range []struct {
		ns   *NS
		want string
	}{{p.Server, "lo " + serverLink}, {p.Client, "lo " + clientLink}} {
		var got []string
		if err := tc.ns.Do(func() (err error) { got, err = interfaces(); return err }); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("the %s namespace has interfaces %q, want %q", tc.ns.Name(), got, tc.want)
		}
	}
	if err := p.Server.Do(func() error { return errors.New("from fn") }); err == nil || err.Error() != "from fn" {
		t.Errorf("Do returned %v, want fn's own error", err)
	}
	// Many goroutines of this test, on whichever threads, still see the
	// process's namespace: no thread Do used came back.
	for range 20 {
		names, err := interfaces()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if n == serverLink || n == clientLink {
				t.Fatalf("the test's own namespace has %s: a thread Do moved was reused", n)
			}
		}
		runtime.Gosched()
	}
}

func TestClosingOneSideRemovesTheVeth(t *testing.T) {
	Require(t)
	p, err := NewPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Client.Close(); err != nil {
		t.Fatal(err)
	}
	// The kernel dismantles a namespace asynchronously; its veth end
	// takes the peer with it.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var present bool
		if err := p.Server.Do(func() error {
			_, err := netlink.LinkByName(serverLink)
			present = err == nil
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still exists 60 s after the client namespace was closed", serverLink)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSharedIsOnePairPerProcess(t *testing.T) {
	Require(t)
	a, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Shared()
	if err != nil || a != b {
		t.Fatalf("Shared returned %p, %v after %p", b, err, a)
	}
}

// dropCaps removes every effective capability of the calling thread only
// (capabilities are per thread on Linux); it must be a locked thread that
// then exits.
func dropCaps() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	data[0].Effective, data[1].Effective = 0, 0
	return unix.Capset(&hdr, &data[0])
}

func TestWithoutCapabilitiesTheErrorSaysWhatIsMissing(t *testing.T) {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread loses its capabilities
		if err := dropCaps(); err != nil {
			errc <- fmt.Errorf("drop capabilities: %w", err)
			return
		}
		errc <- probeHere()
	}()
	err := <-errc
	if !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("probe without capabilities: %v, want ErrNotPermitted", err)
	}
	for _, want := range []string{"CAP_NET_ADMIN", "CAP_SYS_ADMIN", "unshare -r -n", "operation not permitted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

type fakeTB struct{ skipped string }

func (f *fakeTB) Helper()          {}
func (f *fakeTB) Skip(args ...any) { f.skipped = fmt.Sprint(args...) }

func TestRequireSkipsExactlyWhenUnavailable(t *testing.T) {
	var f fakeTB
	Require(&f)
	switch err := Available(); {
	case err == nil && f.skipped != "":
		t.Errorf("namespaces are available, yet Require skipped: %s", f.skipped)
	case err != nil && !strings.Contains(f.skipped, err.Error()):
		t.Errorf("namespaces are unavailable (%v), yet Require skipped with %q", err, f.skipped)
	}
}

// TestIsolateHelper is run by TestIsolate in a child process.
func TestIsolateHelper(t *testing.T) {
	if os.Getenv("NETNS_TEST_ISOLATE") == "" {
		t.Skip("run by TestIsolate in a child process")
	}
	if err := Isolate(); err != nil {
		t.Fatal(err)
	}
	p, err := ProcessPair()
	if err != nil {
		t.Fatal(err)
	}
	// Goroutines on any thread see the process namespace's veth end.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.ListenUDP("udp", &net.UDPAddr{IP: p.ServerIPv6.AsSlice()})
			if err != nil {
				errs <- err
				return
			}
			c.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ns, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("isolated=%v pid=%d ns=%s\n", Isolated(), os.Getpid(), ns)
}

func TestIsolate(t *testing.T) {
	Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestIsolateHelper$", "-test.v")
	// As a go test -fuzz worker of an isolated coordinator: the marker is
	// inherited, with the parent's pid, and the child isolates itself again.
	cmd.Env = append(os.Environ(), "NETNS_TEST_ISOLATE=1", isolatedEnv+"="+strconv.Itoa(os.Getpid()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	own, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("isolated=true pid=%d ns=", cmd.Process.Pid)
	i := strings.Index(string(out), want)
	if i < 0 {
		t.Fatalf("child output lacks %q:\n%s", want, out)
	}
	if ns, _, _ := strings.Cut(string(out[i+len(want):]), "\n"); ns == own || !strings.HasPrefix(ns, "net:[") {
		t.Fatalf("child ran in namespace %q, the test's own is %q", ns, own)
	}
	if !strings.Contains(string(out), "--- PASS: TestIsolateHelper") {
		t.Fatalf("child did not pass:\n%s", out)
	}
}

func TestProcessPairNeedsIsolation(t *testing.T) {
	if Isolated() {
		t.Skip("this process is isolated")
	}
	if _, err := ProcessPair(); err == nil || !strings.Contains(err.Error(), "Isolate") {
		t.Fatalf("ProcessPair in a process that is not isolated: %v", err)
	}
}

func TestRouteToServerReachesTheServersLoopback(t *testing.T) {
	Require(t)
	p, err := NewPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tc := range []struct{ vip, prefix string }{
		{"10.77.9.1", "10.77.9.0/24"},
		{"fd77:9::1", "fd77:9::/64"},
	} {
		vip := netip.MustParseAddr(tc.vip)
		if err := p.Server.Do(func() error {
			lo, err := netlink.LinkByName("lo")
			if err != nil {
				return err
			}
			// NODAD: without it an IPv6 address is tentative until the
			// kernel's DAD work runs, even with DAD off, and bind fails.
			return netlink.AddrAdd(lo, &netlink.Addr{
				IPNet: &net.IPNet{IP: vip.AsSlice(), Mask: net.CIDRMask(vip.BitLen(), vip.BitLen())},
				Flags: unix.IFA_F_NODAD,
			})
		}); err != nil {
			t.Fatalf("add %s to the server's loopback: %v", vip, err)
		}
		srv := echo(t, p, &net.UDPAddr{IP: vip.AsSlice()})
		var c *net.UDPConn
		dial := func() error {
			return p.Client.Do(func() (err error) {
				c, err = net.DialUDP("udp", nil, &net.UDPAddr{IP: vip.AsSlice(), Port: srv.LocalAddr().(*net.UDPAddr).Port})
				return err
			})
		}
		if err := dial(); err == nil {
			c.Close()
			t.Fatalf("the client reaches %s before any route to it", vip)
		}
		if err := p.RouteToServer(netip.MustParsePrefix(tc.prefix)); err != nil {
			t.Fatal(err)
		}
		if err := dial(); err != nil {
			t.Fatalf("dial %s after RouteToServer: %v", vip, err)
		}
		defer c.Close()
		buf := make([]byte, 100)
		for try := 0; ; try++ {
			c.Write([]byte("hello"))
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := c.Read(buf)
			if err == nil {
				if want := p.ClientIPv4.String(); vip.Is4() && string(buf[:n]) != want {
					t.Fatalf("server saw %s, want %s", buf[:n], want)
				}
				break
			}
			if try == 5 {
				t.Fatalf("no answer from %s: %v", vip, err)
			}
		}
	}
}

func TestRunnerStaysInTheNamespace(t *testing.T) {
	Require(t)
	p, err := NewPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r, err := p.Client.Runner()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for range 3 {
		var got []string
		if err := r.Do(func() (err error) { got, err = interfaces(); return err }); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != "lo "+clientLink {
			t.Fatalf("the runner sees %q", got)
		}
	}
	if err := r.Do(func() error { return errors.New("from fn") }); err == nil || err.Error() != "from fn" {
		t.Errorf("Do returned %v, want fn's own error", err)
	}
}
