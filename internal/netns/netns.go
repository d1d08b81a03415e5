// Package netns gives tests and fuzz targets real network interfaces without
// touching the machine's own: two private network namespaces, "server" and
// "client", joined by a veth pair with fixed IPv4, IPv6 global and IPv6
// link-local addresses, both ready at once (no duplicate address detection),
// and a way to run code with the calling goroutine's OS thread inside one of
// them, so that the sockets it opens live there.
//
// The namespaces are anonymous (never mounted under /run/netns): they exist
// while their handles or a socket opened in them are open, and vanish with
// the process, so a killed fuzz worker leaves nothing behind.
//
// Typical use in a test or a fuzz target:
//
//	p, err := netns.Shared() // once per process, lazily
//	if err != nil { ... }    // or netns.Require(t) first, to skip cleanly
//	var conn *net.UDPConn
//	err = p.Server.Do(func() error {
//		conn, err = net.ListenUDP("udp4", &net.UDPAddr{IP: p.ServerIPv4.AsSlice(), Port: 123})
//		return err
//	})
//
// Do moves one thread; code that opens sockets from goroutines it starts
// itself (a daemon's Start) needs the whole process in the namespace:
// Isolate, called first thing in TestMain, re-executes the test binary in a
// private namespace, and ProcessPair then joins that namespace, as the
// server side, to a new client namespace.
//
// IPv6 zones: Go's net package turns a zone name into an index (and back)
// through one process-wide cache of interface names, filled from whichever
// namespace the thread that asked was in. Give zones as index numbers
// (strconv.Itoa(p.ServerIndex)) and compare addresses without their zone.
//
// Creating a namespace needs CAP_SYS_ADMIN, configuring its links
// CAP_NET_ADMIN: root has both, and so does an unprivileged user inside its
// own user namespace (`unshare -r -n go test ...`). Available reports
// whether this process can, and Require skips a test that cannot with a
// message naming what is missing.
package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// NS is one network namespace, held open by a file descriptor.
type NS struct {
	name string
	h    vnetns.NsHandle
}

// Name is the role the namespace was created for ("server" or "client").
func (n *NS) Name() string { return n.name }

// Do runs fn on a fresh OS thread moved into the namespace and returns its
// error. Sockets fn opens belong to the namespace for their whole life,
// whichever goroutine uses them later; goroutines fn starts run on other
// threads, in the process's own namespace, so fn must open its sockets
// itself. The thread is never handed back to the scheduler: it exits when
// fn returns, so no other goroutine ever runs in the wrong namespace.
func (n *NS) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		// No UnlockOSThread: a goroutine that exits locked takes its
		// thread with it, namespace and all.
		runtime.LockOSThread()
		if err := vnetns.Set(n.h); err != nil {
			errc <- fmt.Errorf("netns: enter the %s namespace: %w", n.name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// Close releases the handle. The namespace lives on while a socket opened
// in it is open.
func (n *NS) Close() error {
	if n.h == -1 {
		return nil
	}
	err := n.h.Close()
	n.h = -1
	return err
}

// newNS creates an empty namespace with loopback up and duplicate address
// detection off for every interface it will have.
func newNS(name string) (*NS, error) {
	type result struct {
		h   vnetns.NsHandle
		err error
	}
	rc := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see Do
		h, err := vnetns.New()
		if err != nil {
			rc <- result{-1, classify(fmt.Errorf("netns: create the %s namespace: %w", name, err))}
			return
		}
		if err := configureHere(); err != nil {
			h.Close()
			rc <- result{-1, fmt.Errorf("netns: configure the %s namespace: %w", name, err)}
			return
		}
		rc <- result{h, nil}
	}()
	r := <-rc
	if r.err != nil {
		return nil, r.err
	}
	return &NS{name: name, h: r.h}, nil
}

// configureHere sets up the namespace of the calling thread: no DAD, so a
// new IPv6 address (the kernel's own link-local ones included) is usable at
// once instead of tentative for a second or more, and loopback up. The
// sysctls under /proc/sys/net are those of the opening thread's namespace.
func configureHere() error {
	for _, f := range []string{
		"/proc/sys/net/ipv6/conf/all/accept_dad",
		"/proc/sys/net/ipv6/conf/default/accept_dad",
	} {
		// A kernel without IPv6 has no such file; IPv4 still works.
		if err := os.WriteFile(f, []byte("0"), 0); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return err
	}
	return netlink.LinkSetUp(lo)
}

// Pair is two namespaces joined by a veth pair, each end up and addressed:
// ServerLink in Server, ClientLink in Client, on one /24 and one /64, with
// fixed link-local addresses and MAC addresses. Each namespace also has
// loopback up. The fields are read-only.
type Pair struct {
	Server, Client *NS

	// ServerLink and ClientLink are the veth ends' names; each is unique
	// only within its own namespace.
	ServerLink, ClientLink string
	// ServerIndex and ClientIndex are their interface indexes, each within
	// its own namespace (as an IPv6 zone or a socket's bind-to-device needs).
	ServerIndex, ClientIndex int
	ServerMAC, ClientMAC     net.HardwareAddr

	ServerIPv4, ClientIPv4           netip.Addr // 10.77.0.1, 10.77.0.2 on 10.77.0.0/24
	ServerIPv6, ClientIPv6           netip.Addr // fd77::1, fd77::2 on fd77::/64
	ServerLinkLocal, ClientLinkLocal netip.Addr // fe80::77:1, fe80::77:2, no zone
}

// The fixed layout: both namespaces are private, so fixed names and
// addresses never collide with the machine's or another Pair's.
var (
	serverMAC = net.HardwareAddr{0x02, 0, 0, 0, 0x77, 0x01}
	clientMAC = net.HardwareAddr{0x02, 0, 0, 0, 0x77, 0x02}
)

const (
	serverLink = "dfz-srv0"
	clientLink = "dfz-cli0"
	v4Bits     = 24
	v6Bits     = 64
)

// NewPair creates a Pair. The caller closes it; Shared gives every caller
// of a process the same one instead.
func NewPair() (*Pair, error) {
	server, err := newNS("server")
	if err != nil {
		return nil, err
	}
	return newPair(server)
}

// newPair joins server to a new client namespace; on error it closes both.
func newPair(server *NS) (*Pair, error) {
	p := &Pair{Server: server,
		ServerLink: serverLink, ClientLink: clientLink,
		ServerMAC: serverMAC, ClientMAC: clientMAC,
		ServerIPv4:      netip.MustParseAddr("10.77.0.1"),
		ClientIPv4:      netip.MustParseAddr("10.77.0.2"),
		ServerIPv6:      netip.MustParseAddr("fd77::1"),
		ClientIPv6:      netip.MustParseAddr("fd77::2"),
		ServerLinkLocal: netip.MustParseAddr("fe80::77:1"),
		ClientLinkLocal: netip.MustParseAddr("fe80::77:2"),
	}
	var err error
	if p.Client, err = newNS("client"); err != nil {
		p.Server.Close()
		return nil, err
	}
	if err := p.link(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// link creates the veth pair in the server namespace, moves its peer to
// the client namespace as it is created, addresses both ends, brings them
// up and waits until both see a carrier.
func (p *Pair) link() error {
	srv, err := netlink.NewHandleAt(p.Server.h)
	if err != nil {
		return fmt.Errorf("netns: netlink in the server namespace: %w", err)
	}
	defer srv.Close()
	cli, err := netlink.NewHandleAt(p.Client.h)
	if err != nil {
		return fmt.Errorf("netns: netlink in the client namespace: %w", err)
	}
	defer cli.Close()

	veth := &netlink.Veth{
		LinkAttrs:        netlink.LinkAttrs{Name: serverLink, HardwareAddr: serverMAC},
		PeerName:         clientLink,
		PeerHardwareAddr: clientMAC,
		PeerNamespace:    netlink.NsFd(p.Client.h),
	}
	if err := srv.LinkAdd(veth); err != nil {
		return classify(fmt.Errorf("netns: add veth %s/%s: %w", serverLink, clientLink, err))
	}
	ends := []struct {
		h              *netlink.Handle
		name           string
		v4, v6, ll     netip.Addr
		index          *int
		namespaceLabel string
	}{
		{srv, serverLink, p.ServerIPv4, p.ServerIPv6, p.ServerLinkLocal, &p.ServerIndex, "server"},
		{cli, clientLink, p.ClientIPv4, p.ClientIPv6, p.ClientLinkLocal, &p.ClientIndex, "client"},
	}
	for _, e := range ends {
		l, err := e.h.LinkByName(e.name)
		if err != nil {
			return fmt.Errorf("netns: find %s in the %s namespace: %w", e.name, e.namespaceLabel, err)
		}
		*e.index = l.Attrs().Index
		for _, a := range []netip.Prefix{
			netip.PrefixFrom(e.v4, v4Bits), netip.PrefixFrom(e.v6, v6Bits), netip.PrefixFrom(e.ll, v6Bits),
		} {
			addr := &netlink.Addr{
				IPNet: &net.IPNet{IP: a.Addr().AsSlice(), Mask: net.CIDRMask(a.Bits(), a.Addr().BitLen())},
			}
			if a.Addr().Is6() {
				addr.Flags = unix.IFA_F_NODAD
			}
			if err := e.h.AddrAdd(l, addr); err != nil {
				return fmt.Errorf("netns: add %s to %s: %w", a, e.name, err)
			}
		}
		if err := e.h.LinkSetUp(l); err != nil {
			return fmt.Errorf("netns: bring %s up: %w", e.name, err)
		}
	}
	// A veth end is "up" only once both are; until then the kernel
	// drops what is sent on it. This takes microseconds, but a starved
	// machine gets a generous bound.
	deadline := time.Now().Add(30 * time.Second)
	for _, e := range ends {
		for {
			l, err := e.h.LinkByName(e.name)
			if err != nil {
				return fmt.Errorf("netns: find %s in the %s namespace: %w", e.name, e.namespaceLabel, err)
			}
			if l.Attrs().OperState == netlink.OperUp {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("netns: %s is still %s after 30 s", e.name, l.Attrs().OperState)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}

// Close releases both namespaces; the veth pair goes with the first one to
// vanish (when no socket opened in it is left).
func (p *Pair) Close() error {
	var errs []error
	for _, n := range []*NS{p.Server, p.Client} {
		if n != nil {
			errs = append(errs, n.Close())
		}
	}
	return errors.Join(errs...)
}

var (
	sharedOnce sync.Once
	sharedPair *Pair
	sharedErr  error
)

// Shared returns the process's Pair, created on first use and never
// closed: every go test -fuzz worker is its own process and sets up its
// own on its first input, and parallel tests share it. Callers must not
// change its namespaces' configuration; each binds its own ports (port 0
// or a port no other user of the pair takes).
func Shared() (*Pair, error) {
	sharedOnce.Do(func() { sharedPair, sharedErr = NewPair() })
	return sharedPair, sharedErr
}

// ErrNotPermitted is what Available, NewPair and Shared return (wrapped)
// when the process may not create or configure network namespaces.
var ErrNotPermitted = errors.New("creating network namespaces needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root, or as an unprivileged user inside a user namespace of its own (unshare -r -n go test ...)")

// classify wraps a permission error in ErrNotPermitted, keeping the cause.
func classify(err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%w (%w)", ErrNotPermitted, err)
	}
	return err
}

var (
	availOnce sync.Once
	availErr  error
)

// Available reports whether this process can create network namespaces:
// nil, or an error wrapping ErrNotPermitted (or another cause, such as a
// kernel without network namespaces). It tries once per process, on a
// thread of its own that then exits.
func Available() error {
	availOnce.Do(func() {
		errc := make(chan error, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: see Do
			errc <- probeHere()
		}()
		availErr = <-errc
	})
	return availErr
}

// probeHere moves the calling thread into a new namespace, so it must be a
// locked thread that is allowed to die.
func probeHere() error {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return classify(fmt.Errorf("netns: unshare(CLONE_NEWNET): %w", err))
	}
	return nil
}

// TB is the part of testing.TB that Require uses (an interface, so that
// targets built by OSS-Fuzz's testing shim can call it too).
type TB interface {
	Helper()
	Skip(args ...any)
}

// Require skips t, saying what is missing, when the process cannot create
// network namespaces, and does nothing when it can.
func Require(t TB) {
	t.Helper()
	if err := Available(); err != nil {
		t.Skip("skipped: needs a private network namespace: " + err.Error())
	}
}

// isolatedEnv marks a process that Isolate re-executed: its value is the
// pid that did it. A child process inherits the variable but not the pid,
// so it is not taken for isolated (it shares its parent's namespace).
const isolatedEnv = "DAEMONFUZZ_NETNS_ISOLATED"

// Isolated reports whether this process runs in a namespace Isolate made
// for it.
func Isolated() bool {
	return os.Getenv(isolatedEnv) == strconv.Itoa(os.Getpid())
}

// Isolate moves the whole process into a private network namespace of its
// own, for code under test that opens sockets and configures interfaces from
// goroutines it starts itself (a daemon's Start), which Do cannot reach:
// Do moves one thread, and the runtime starts other goroutines on threads
// of the process's own namespace.
//
// It re-executes the program (/proc/self/exe, same pid, arguments,
// environment and open descriptors) from a thread that first entered a new
// namespace (loopback up, no DAD), so every thread of the new image is born
// there. Call it first thing in TestMain, before m.Run: on success it does
// not return, the program starts again and Isolate returns nil at once in
// that run. go test -fuzz workers are children of an isolated coordinator
// and isolate themselves again, each in its own namespace. When the process
// cannot (see Available) it returns the reason and changes nothing; the
// caller carries on without and says so.
func Isolate() error {
	if Isolated() {
		return nil
	}
	if err := Available(); err != nil {
		return err
	}
	// Replace an inherited marker: the first of two values would win.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, isolatedEnv+"=") })
	env = append(env, isolatedEnv+"="+strconv.Itoa(os.Getpid()))
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see Do
		if err := probeHere(); err != nil {
			errc <- err
			return
		}
		if err := configureHere(); err != nil {
			errc <- fmt.Errorf("netns: configure the process namespace: %w", err)
			return
		}
		err := unix.Exec("/proc/self/exe", os.Args, env)
		errc <- fmt.Errorf("netns: re-execute %s in a private namespace: %w", os.Args[0], err)
	}()
	return <-errc
}

var (
	processOnce sync.Once
	processPair *Pair
	processErr  error
)

// ProcessPair returns, for an Isolated process, a Pair whose Server is the
// process's own namespace, where every goroutine's sockets live, and whose
// Client is a new one. Created on first use and never closed, like Shared.
func ProcessPair() (*Pair, error) {
	processOnce.Do(func() {
		if !Isolated() {
			processErr = errors.New("netns: ProcessPair needs a process that Isolate moved into a namespace of its own (call netns.Isolate in TestMain)")
			return
		}
		// Every thread of an isolated process that is not running Do is in
		// the process's namespace, this one included.
		h, err := vnetns.Get()
		if err != nil {
			processErr = fmt.Errorf("netns: open the process namespace: %w", err)
			return
		}
		processPair, processErr = newPair(&NS{name: "process", h: h})
	})
	return processPair, processErr
}

// RouteToServer adds a route in the client namespace that sends prefix to
// the server's end of the veth (its IPv4 or IPv6 address, by the prefix's
// family): how a client reaches addresses a server keeps on its loopback
// interface, as anycast service addresses are (where a router learns them
// from the server's announcements). Adding a route that exists is an error.
func (p *Pair) RouteToServer(prefix netip.Prefix) error {
	gw := p.ServerIPv4
	if prefix.Addr().Is6() {
		gw = p.ServerIPv6
	}
	h, err := netlink.NewHandleAt(p.Client.h)
	if err != nil {
		return fmt.Errorf("netns: netlink in the client namespace: %w", err)
	}
	defer h.Close()
	prefix = prefix.Masked()
	dst := &net.IPNet{IP: prefix.Addr().AsSlice(), Mask: net.CIDRMask(prefix.Bits(), prefix.Addr().BitLen())}
	if err := h.RouteAdd(&netlink.Route{Dst: dst, Gw: gw.AsSlice()}); err != nil {
		return fmt.Errorf("netns: route %s via %s in the client namespace: %w", prefix, gw, err)
	}
	return nil
}

// Runner runs functions, one at a time, on one OS thread that stays in a
// namespace: for code that opens sockets there often (one per exchange),
// where Do would start and end a thread each time.
type Runner struct{ reqs chan runReq }

type runReq struct {
	fn   func() error
	done chan error
}

// Runner starts a thread in n. Close ends it.
func (n *NS) Runner() (*Runner, error) {
	r := &Runner{reqs: make(chan runReq)}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see Do
		if err := vnetns.Set(n.h); err != nil {
			errc <- fmt.Errorf("netns: enter the %s namespace: %w", n.name, err)
			return
		}
		errc <- nil
		for q := range r.reqs {
			q.done <- q.fn()
		}
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return r, nil
}

// Do runs fn on the runner's thread and returns its error.
func (r *Runner) Do(fn func() error) error {
	done := make(chan error, 1)
	r.reqs <- runReq{fn, done}
	return <-done
}

// Close ends the runner's thread; Do must not be called after.
func (r *Runner) Close() { close(r.reqs) }
