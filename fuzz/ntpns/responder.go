package ntpnsfuzz

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
	_ "unsafe" // go:linkname, for the announce interval

	"github.com/daemonfuzz/daemonfuzz/fuzz/ntp"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/daemonfuzz/daemonfuzz/internal/netns"
	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/responder/checker"
	"github.com/facebook/time/ntp/responder/server"
	"github.com/facebook/time/timestamp"
	"github.com/sirupsen/logrus"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// announceInterval is the responder's period between announcements (30 s,
// a package variable its own tests shorten); the namespace servers set it
// to nsAnnounceInterval, before any of them starts, so that the announce
// loop runs while a short run fuzzes. The build fails if facebook/time
// renames it, which is the signal to look again.
//
//go:linkname announceInterval github.com/facebook/time/ntp/responder/server.announceInterval
var announceInterval time.Duration

const nsAnnounceInterval = 50 * time.Millisecond

// errAnnounce is what nsAnnounce returns when told to fail, as a BGP
// speaker that is down would.
var errAnnounce = errors.New("ntpfuzz: announce failed (injected)")

// nsAnnounce is the announcer of a namespace server: it checks that the
// server announces exactly its configured addresses, and fails every other
// Advertise (fail) and every Withdraw after the first, so the server's
// error paths run too.
type nsAnnounce struct {
	mu         sync.Mutex
	want       []net.IP
	fail       bool
	advertised int
	withdrawn  int
	violation  error
}

func (a *nsAnnounce) Advertise(ips []net.IP) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.advertised++
	if !slices.EqualFunc(ips, a.want, net.IP.Equal) && a.violation == nil {
		a.violation = harness.Violated("loop", "Announce.Advertise", "advertised %v, configured %v", ips, a.want)
	}
	if a.fail && a.advertised%2 == 0 {
		return errAnnounce
	}
	return nil
}

func (a *nsAnnounce) Withdraw() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.withdrawn++
	if a.withdrawn > 1 {
		return errAnnounce
	}
	return nil
}

func (a *nsAnnounce) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.violation
}

// nsServer is one facebook/time responder running for real in the
// process's namespace: configured from daemon-style flags, started with
// Start (listeners, workers, announce and health-check loops), managing its
// own addresses on the veth interface.
type nsServer struct {
	name     string
	srv      *server.Server
	stats    *ntpfuzz.OutcomeStats
	checker  *checker.SimpleChecker
	announce *nsAnnounce
	addrs    []netip.AddrPort
	nts      bool
	done     chan struct{} // closed when Start returns
}

// startNSServer configures a server as the responder daemon's main does,
// from its flags (ip may be repeated), starts it and waits until every
// address answers a plain request.
func startNSServer(p *netns.Pair, c *nsClient, name string, nts bool, args ...string) (*nsServer, error) {
	s := &nsServer{
		name:  name,
		nts:   nts,
		stats: ntpfuzz.NewOutcomeStats(),
		done:  make(chan struct{}),
		srv:   &server.Server{},
	}
	cfg := &s.srv.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&cfg.IPs, "ip", "address to serve on (repeatable)")
	fs.IntVar(&cfg.Port, "port", 123, "port")
	fs.IntVar(&cfg.Workers, "workers", 2, "workers")
	fs.BoolVar(&cfg.ShouldAnnounce, "announce", false, "announce the addresses")
	fs.BoolVar(&cfg.ManageLoopback, "manage", true, "add the addresses to the interface")
	fs.StringVar(&cfg.Iface, "iface", "lo", "interface")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("ntpfuzz: %s server flags %q: %w", name, args, err)
	}
	cfg.IPs.SetDefault()
	cfg.RefID, cfg.Stratum, cfg.TimestampType = "FUZZ", 1, timestamp.SWRX
	if nts {
		ks, err := ntpfuzz.Keystore()
		if err != nil {
			return nil, err
		}
		cfg.Keystore = ks
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ntpfuzz: %s server configuration %s: %w", name, cfg.IPs.String(), err)
	}
	for _, ip := range cfg.IPs {
		a, _ := netip.AddrFromSlice(ip)
		s.addrs = append(s.addrs, netip.AddrPortFrom(a.Unmap(), uint16(cfg.Port)))
	}
	s.announce = &nsAnnounce{want: slices.Clone(cfg.IPs), fail: cfg.ShouldAnnounce}
	s.checker = &checker.SimpleChecker{ExpectedListeners: int64(len(cfg.IPs)), ExpectedWorkers: int64(cfg.Workers)}
	s.srv.Announce, s.srv.Stats, s.srv.Checker = s.announce, s.stats, s.checker
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(s.done)
		s.srv.Start(ctx, cancel)
	}()
	probe := validProbe()
	for _, dst := range s.addrs {
		ok := false
		for deadline := time.Now().Add(30 * time.Second); !ok && time.Now().Before(deadline); {
			reply, _, out := c.exchange(s, dst, probe, 100*time.Millisecond)
			ok = out == ntpfuzz.OutResponse && reply != nil
		}
		if !ok {
			return nil, fmt.Errorf("ntpfuzz: the %s responder on %v did not answer within 30 s", name, dst)
		}
	}
	return s, nil
}

// validProbe is a valid NTPv4 client request without extension fields.
func validProbe() []byte {
	return append([]byte{0x23, 0, 6, 0}, make([]byte, 44)...)
}

// nsClient sends from the client namespace, each exchange from a socket of
// its own (opened on a thread that stays there), unconnected so that a
// reply's source address is seen rather than filtered. A socket per
// exchange: a reply that arrives after its exchange gave up goes to a closed
// socket, never to the next exchange as its answer.
type nsClient struct {
	run    *netns.Runner
	v4, v6 netip.Addr
	buf    []byte
}

func newNSClient(p *netns.Pair) (*nsClient, error) {
	run, err := p.Client.Runner()
	if err != nil {
		return nil, fmt.Errorf("ntpfuzz: a thread in the client namespace: %w", err)
	}
	return &nsClient{run: run, v4: p.ClientIPv4, v6: p.ClientIPv6, buf: make([]byte, 65536)}, nil
}

// exchange sends req to s at dst and returns the server's verdict, its
// reply if any and where the reply came from.
func (c *nsClient) exchange(s *nsServer, dst netip.AddrPort, req []byte, wait time.Duration) ([]byte, netip.AddrPort, ntpfuzz.Outcome) {
	src := c.v4
	if dst.Addr().Is6() {
		src = c.v6
	}
	var conn *net.UDPConn
	if err := c.run.Do(func() (err error) {
		conn, err = net.ListenUDP("udp", &net.UDPAddr{IP: src.AsSlice()})
		return err
	}); err != nil {
		return nil, netip.AddrPort{}, ""
	}
	defer conn.Close()
	// Forget the verdicts of requests that timed out.
	for drained := false; !drained; {
		select {
		case <-s.stats.Events():
		default:
			drained = true
		}
	}
	if _, err := conn.WriteToUDPAddrPort(req, dst); err != nil {
		return nil, netip.AddrPort{}, ""
	}
	var out ntpfuzz.Outcome
	select {
	case out = <-s.stats.Events():
	case <-time.After(wait):
		return nil, netip.AddrPort{}, ""
	}
	if out != ntpfuzz.OutResponse {
		return nil, netip.AddrPort{}, out
	}
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	n, from, err := conn.ReadFromUDPAddrPort(c.buf)
	if err != nil {
		return nil, netip.AddrPort{}, out
	}
	return append([]byte(nil), c.buf[:n]...), netip.AddrPortFrom(from.Addr().Unmap().WithZone(""), from.Port()), out
}

// nsResponder is what ResponderNS fuzzes, set up once per process.
type nsResponder struct {
	mu        sync.Mutex
	wait      time.Duration // the longest wait for one verdict: exchangeWait
	liveWait  time.Duration // the least wait that judges liveness: liveWait
	budget    time.Duration // for one input: inputBudget
	client    *nsClient
	servers   []*nsServer
	lifecycle error // a violation found while starting and stopping a server
}

var (
	nsOnce   sync.Once
	theNS    *nsResponder
	theNSErr error
)

func sharedNSResponder() (*nsResponder, error) {
	nsOnce.Do(func() { theNS, theNSErr = startNSResponder() })
	return theNS, theNSErr
}

// The namespace layout, as the responder runs in production: service
// addresses on the loopback interface, added by the server itself
// (ManageLoopback) and routed to it from the client side (in production,
// by routers that learn them from its announcements); and the NTS server
// on the veth end's own addresses, which it finds already there.
//
// The addresses the server adds are IPv4 only: it binds an address right
// after adding it, and a new IPv6 address is tentative until the kernel's
// DAD work runs (even on loopback, where there is no DAD; only IFA_F_NODAD
// avoids it, and the server does not set it), so binding a new IPv6 address
// fails, and the listener calls log.Fatalf, whenever that work has not run
// yet: 3 of 3 tries here, and 10 of 20 for a standalone program on lo in a
// fresh namespace (load 20). The lifecycle server's IPv6 address is put on
// loopback beforehand instead, as by an operator (with the server's own
// prefix length): the server finds it there and, on Stop, removes it like
// the ones it added.
var (
	nsVIPs   = netip.MustParsePrefix("10.77.1.0/24")
	nsVIPs6  = netip.MustParsePrefix("fd77:1::/64")
	nsLoVIP6 = netip.MustParseAddr("fd77:1::200")
)

const (
	nsLifecycleVIP = "10.77.1.200"
	nsPlainVIP     = "10.77.1.124"
)

// addToLoopback puts a on the process namespace's loopback with the
// prefix length the server uses for the addresses it adds (/32, /64: Stop
// removes a configured address only with that length), ready at once
// (IFA_F_NODAD).
func addToLoopback(a netip.Addr) error {
	bits := 32
	if a.Is6() {
		bits = 64
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("ntpfuzz: find lo: %w", err)
	}
	err = netlink.AddrAdd(lo, &netlink.Addr{
		IPNet: &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(bits, a.BitLen())},
		Flags: unix.IFA_F_NODAD,
	})
	if err != nil {
		return fmt.Errorf("ntpfuzz: add %s to lo: %w", a, err)
	}
	return nil
}

func startNSResponder() (*nsResponder, error) {
	logrus.SetOutput(io.Discard)
	logrus.AddHook(fatalHook{})
	p, err := netns.ProcessPair()
	if err != nil {
		return nil, err
	}
	c, err := newNSClient(p)
	if err != nil {
		return nil, err
	}
	for _, vips := range []netip.Prefix{nsVIPs, nsVIPs6} {
		if err := p.RouteToServer(vips); err != nil {
			return nil, err
		}
	}
	if err := addToLoopback(nsLoVIP6); err != nil {
		return nil, err
	}
	announceInterval = nsAnnounceInterval
	r := &nsResponder{client: c, wait: exchangeWait, liveWait: liveWait, budget: inputBudget}
	if r.lifecycle, err = lifecycle(p, c, "-announce", "-ip", nsLifecycleVIP, "-ip", nsLoVIP6.String()); err != nil {
		return nil, err
	}
	nts, err := startNSServer(p, c, "nts", true, "-announce", "-iface", p.ServerLink,
		"-ip", p.ServerIPv4.String(), "-ip", p.ServerIPv6.String())
	if err != nil {
		return nil, err
	}
	// The plain server leaves its address to the operator
	// (-manage-loopback=false), who has put it on loopback.
	if err := addToLoopback(netip.MustParseAddr(nsPlainVIP)); err != nil {
		return nil, err
	}
	plain, err := startNSServer(p, c, "plain", false, "-manage=false", "-ip", nsPlainVIP, "-workers", "1")
	if err != nil {
		return nil, err
	}
	r.servers = []*nsServer{nts, plain}
	if r.lifecycle == nil {
		if r.lifecycle, err = r.unroutable(p, plain); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// nsUnroutable is a client address the server has no route back to.
var nsUnroutable = netip.MustParseAddr("10.77.3.2")

// unroutable sends s a valid request from a source address it cannot
// answer (a spoofed or asymmetrically routed client: the reply's sendto
// fails) and returns a violation if s then stops serving.
func (r *nsResponder) unroutable(p *netns.Pair, s *nsServer) (violation, err error) {
	var conn *net.UDPConn
	err = p.Client.Do(func() error {
		l, err := netlink.LinkByName(p.ClientLink)
		if err != nil {
			return err
		}
		a := &netlink.Addr{IPNet: &net.IPNet{IP: nsUnroutable.AsSlice(), Mask: net.CIDRMask(32, 32)}}
		if err := netlink.AddrAdd(l, a); err != nil {
			return err
		}
		conn, err = net.ListenUDP("udp4", &net.UDPAddr{IP: nsUnroutable.AsSlice()})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ntpfuzz: a client socket on %s: %w", nsUnroutable, err)
	}
	defer conn.Close()
	if _, err := conn.WriteToUDPAddrPort(validProbe(), s.addrs[0]); err != nil {
		return nil, fmt.Errorf("ntpfuzz: send from %s: %w", nsUnroutable, err)
	}
	// The server reads requests in order: by the time it answers the
	// probes, it has tried to answer this one.
	return r.alive(s, s.addrs[0], time.Now().Add(2*r.wait)), nil
}

// ifaceHas reports which of addrs the interface has.
func ifaceHas(name string, addrs []netip.AddrPort) ([]bool, error) {
	iface, err := net.InterfaceByName(name)
	if err != nil {
		return nil, err
	}
	have, err := iface.Addrs()
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(addrs))
	for i, a := range addrs {
		out[i] = slices.ContainsFunc(have, func(h net.Addr) bool {
			n, ok := h.(*net.IPNet)
			return ok && n.IP.Equal(a.Addr().AsSlice())
		})
	}
	return out, nil
}

// lifecycle starts a server that manages its own addresses, checks they
// are on the interface, stops it twice and checks they are gone and that
// Start returned. It returns the first violation (kept, reported with
// every input) or an error when the setup itself failed.
func lifecycle(p *netns.Pair, c *nsClient, args ...string) (violation, err error) {
	s, err := startNSServer(p, c, "lifecycle", false, args...)
	if err != nil {
		return nil, err
	}
	iface := s.srv.Config.Iface
	have, err := ifaceHas(iface, s.addrs)
	if err != nil {
		return nil, err
	}
	if slices.Contains(have, false) {
		return harness.Violated("loop", "Server.Start", "%v on %s after Start: %v", s.addrs, iface, have), nil
	}
	s.srv.Stop()
	s.srv.Stop() // again: nothing left to delete, and Withdraw fails
	if have, err = ifaceHas(iface, s.addrs); err != nil {
		return nil, err
	}
	if slices.Contains(have, true) {
		return harness.Violated("loop", "Server.Stop", "%v on %s after Stop: %v", s.addrs, iface, have), nil
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		return harness.Violated("loop", "Server.Stop", "Start still running 30 s after Stop (announce interval %v)", nsAnnounceInterval), nil
	}
	return s.announce.err(), nil
}

// ResponderNS sends data over a veth pair, from a client namespace, to
// facebook/time's NTP responder running for real (Start, its listeners on
// addresses it adds to the interface itself, its workers, announce and
// health-check loops) in the process's own network namespace: an NTS server
// on IPv4 and IPv6 and a plain one. It needs a process that netns.Isolate
// moved into a namespace of its own (this package's TestMain does); anywhere
// else (no CAP_NET_ADMIN, the OSS-Fuzz build) it is Responder, on loopback.
//
// Oracles: Responder's on each server (the plain server parses the first
// 48 octets only, so that is the request it is judged on), and the loop's:
//   - loop/Reply.Source: a reply comes from the address and port the request
//     went to;
//   - loop/Serving: after a request it does not answer, a server still
//     answers a valid one (checked once at start, too, after a request
//     from a client address it has no route back to);
//   - loop/Checker: the server's own health check passes (every listener
//     and worker alive);
//   - loop/Announce.Advertise: the server announces its configured
//     addresses, through failing announcements;
//   - loop/Server.Start, loop/Server.Stop: a server adds its addresses to
//     the interface, removes them on Stop, and its Start returns.
//
// One input runs for at most inputBudget (go test -fuzz ends a worker after
// 10 s on one input); what has no verdict by then is not judged.
func ResponderNS(data []byte) error {
	if !netns.Isolated() {
		return ntpfuzz.Responder(data)
	}
	if len(data) > maxUDPPayload {
		return nil
	}
	r, err := sharedNSResponder()
	if err != nil {
		return err
	}
	if r.lifecycle != nil {
		return r.lifecycle
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	deadline := time.Now().Add(r.budget)
	for _, s := range r.servers {
		for _, dst := range s.addrs {
			if err := r.check(s, dst, data, deadline); err != nil {
				return fmt.Errorf("%s server at %v: %w", s.name, dst, err)
			}
		}
	}
	return nil
}

// Time limits. go test -fuzz ends a worker whose input runs for 10 s
// (panic "deadlocked!", exit status 2, its output discarded), so one input
// gets inputBudget in all, one verdict at most exchangeWait, and liveness is
// judged only when each of its two probes could wait liveWait: the server
// reports every request it reads within microseconds, so that much silence
// is a hang, not load. An input that runs out of time is not judged further.
const (
	inputBudget  = 8 * time.Second
	exchangeWait = 4 * time.Second
	liveWait     = 3 * time.Second
)

// waitBy is how long an exchange may wait for a verdict before deadline.
func (r *nsResponder) waitBy(deadline time.Time) time.Duration {
	return min(r.wait, time.Until(deadline))
}

// Prepare starts the namespace servers of an isolated process (once); the
// fuzz wrapper calls it before fuzzing so that the start-up, which may take
// seconds on a loaded machine, is not charged to the first input. Elsewhere
// it does nothing.
func Prepare() error {
	if !netns.Isolated() {
		return nil
	}
	_, err := sharedNSResponder()
	return err
}

// check sends data to one of s's addresses and judges what happens.
func (r *nsResponder) check(s *nsServer, dst netip.AddrPort, data []byte, deadline time.Time) error {
	wait := r.waitBy(deadline)
	if wait <= 0 {
		return nil
	}
	reply, from, out := r.client.exchange(s, dst, data, wait)
	if err := judge(s.nts, dst, data, reply, from, out); err != nil {
		return err
	}
	if reply == nil {
		if err := r.alive(s, dst, deadline); err != nil {
			return err
		}
	}
	if err := s.checker.Check(); err != nil {
		return harness.Violated("loop", "Checker", "%v", err)
	}
	return s.announce.err()
}

// judge applies the oracles on one exchange with a server (nts: with a
// keystore) at dst: the request data, the reply and its source, the
// server's outcome ("" for none in time).
func judge(nts bool, dst netip.AddrPort, data, reply []byte, from netip.AddrPort, out ntpfuzz.Outcome) error {
	if out == "" || (out == ntpfuzz.OutResponse && reply == nil) {
		return nil // no verdict or no reply in time: nothing to judge
	}
	if reply != nil && from != dst {
		return harness.Violated("loop", "Reply.Source", "reply from %v to a request sent to %v", from, dst)
	}
	seen := data[:min(len(data), maxPacketSize)]
	if !nts {
		// Without a keystore the server parses the first 48 octets only.
		seen = seen[:min(len(seen), protocol.PacketSizeBytes)]
	}
	return ntpfuzz.CheckResponder(seen, reply, out)
}

// alive checks that s still answers a valid request at dst: a valid
// request refused is a violation at once; two in a row without any verdict,
// each after at least liveWait, are a hang. With less time left before
// deadline it does not judge.
func (r *nsResponder) alive(s *nsServer, dst netip.AddrPort, deadline time.Time) error {
	for range 2 {
		wait := r.waitBy(deadline)
		if wait < r.liveWait {
			return nil
		}
		switch _, _, out := r.client.exchange(s, dst, validProbe(), wait); out {
		case ntpfuzz.OutResponse:
			return nil
		case "":
		default:
			return harness.Violated("loop", "Serving", "after a request it did not answer, a valid request got outcome %q", out)
		}
	}
	return harness.Violated("loop", "Serving", "after a request it did not answer, two valid requests got no verdict, each within at least %v", r.liveWait)
}

// maxPacketSize is what the responder reads of a datagram; maxUDPPayload
// the most a datagram holds.
const (
	maxPacketSize = 1500
	maxUDPPayload = 65507
)

// fatalHook turns the responder's log.Fatal (a listener that cannot bind or
// read, which would otherwise end the process with its message discarded)
// into a panic in the goroutine that logged it, so the crash names the
// message and the function.
type fatalHook struct{}

func (fatalHook) Levels() []logrus.Level { return []logrus.Level{logrus.FatalLevel, logrus.PanicLevel} }

func (fatalHook) Fire(e *logrus.Entry) error {
	panic("facebook/time responder: log." + e.Level.String() + ": " + e.Message)
}
