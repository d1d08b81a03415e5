package dhcpfuzz

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"
	"github.com/vishvananda/netlink"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// noMcastLink is an interface of NSListen's namespace with multicast off
// (one end of a second veth pair, its peer noMcastPeer beside it).
const (
	noMcastLink = "dfz-nomc0"
	noMcastPeer = "dfz-nomc1"
)

// listenNS is NSListen's namespace: the server end of a link, plus an
// interface without multicast. Built once per process.
type listenNS struct {
	mu sync.Mutex
	l  *link
}

var theNSListen = sync.OnceValues(func() (*listenNS, error) {
	l, err := newLink()
	if err != nil {
		return nil, err
	}
	err = l.Server.Do(func() error {
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: noMcastLink}, PeerName: noMcastPeer}); err != nil {
			return err
		}
		d, err := netlink.LinkByName(noMcastLink)
		if err != nil {
			return err
		}
		if err := netlink.LinkSetMulticastOff(d); err != nil {
			return err
		}
		for _, a := range []string{"198.51.100.1/24", "2001:db8:77::1/64"} {
			ip, n, _ := net.ParseCIDR(a)
			n.IP = ip
			if err := netlink.AddrAdd(d, &netlink.Addr{IPNet: n}); err != nil {
				return err
			}
		}
		if err := netlink.LinkSetUp(d); err != nil {
			return err
		}
		// Go opens its poller's descriptors on a process's first socket;
		// open one now so that NSListen's descriptor counts never see it.
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		return c.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: an interface without multicast for NSListen: %w", err)
	}
	return &listenNS{l: l}, nil
})

// newServer6 is server6.NewServer; the oracle tests put a leaking one in
// its place.
var newServer6 = server6.NewServer

// listenConfig is one NSListen input: what a daemon's configuration gives
// NewServer.
type listenConfig struct {
	v6     bool
	logger byte   // 'd' DebugLogger, anything else ShortSummaryLogger
	ifname string // as written, "-" for none
	addr   *net.UDPAddr
}

// parseListen reads "<4|6>[s|d] <ifname|-> <ip:port|[ip%zone]:port|->";
// ok is false for text that is not of that shape.
func parseListen(data []byte) (listenConfig, bool) {
	f := strings.SplitN(string(data), " ", 3)
	if len(f) != 3 || len(f[0]) == 0 || len(f[0]) > 2 || (f[0][0] != '4' && f[0][0] != '6') {
		return listenConfig{}, false
	}
	c := listenConfig{v6: f[0][0] == '6', logger: 's', ifname: f[1]}
	if len(f[0]) == 2 {
		c.logger = f[0][1]
	}
	if c.ifname == "-" {
		c.ifname = ""
	}
	if f[2] != "-" {
		ap, err := netip.ParseAddrPort(f[2])
		if err != nil {
			return listenConfig{}, false
		}
		c.addr = net.UDPAddrFromAddrPort(ap)
		if ap.Addr().Is4() {
			c.addr.IP = c.addr.IP.To4()
		}
	}
	return c, true
}

// NSListen starts server4 or server6 as a daemon would from its
// configuration (an interface name and a listen address, the text of
// data, see parseListen) in a network namespace with a veth end, loopback
// and an interface without multicast, then stops it, and checks:
//   - invariant: NewServer leaves the process with the descriptors it had
//     when it fails, and Close gives back what it opened when it succeeds
//     (a daemon retrying a bad configuration must not run out of them);
//   - invariant: a server that starts listens where it was told (the
//     address, the default port when none is given, a port the kernel
//     chose for port 0);
//   - invariant: NewServer fails on an interface the namespace does not
//     have, and server4 on an address that is not IPv4; it succeeds on an
//     interface it has (or none) with the wildcard address or none, where
//     no multicast group is joined;
//   - invariant: Close ends Serve.
func NSListen(data []byte) error {
	c, ok := parseListen(data)
	if !ok {
		return nil
	}
	ns, err := theNSListen()
	if err != nil {
		return err
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	var (
		before, after int
		announced     *listenLog
		serve         func() error
		stop          func() error
		newErr        error
	)
	err = ns.l.Server.Do(func() error {
		var err error
		if before, err = countFDs(); err != nil {
			return err
		}
		serve, stop, announced, newErr = c.start()
		return nil
	})
	if err != nil {
		return err
	}
	known := c.ifname == "" || c.ifname == "lo" || c.ifname == ns.l.ServerLink || c.ifname == noMcastLink || c.ifname == noMcastPeer
	if newErr == nil {
		served := make(chan error, 1)
		go func() { served <- serve() }()
		_ = stop()
		select {
		case <-served:
		case <-time.After(nsGuard):
			return harness.Violated("invariant", "NSListen.Close", "Serve still running %v after Close", nsGuard)
		}
		if err := c.checkStarted(announced.addr(), known); err != nil {
			return err
		}
	} else if err := c.checkFailed(newErr, known); err != nil {
		return err
	}
	if after, err = countFDs(); err != nil {
		return err
	}
	if after != before {
		return harness.Violated("invariant", "NSListen.Descriptors", "%d open descriptors before NewServer(%q, %v), %d after (NewServer: %v)", before, c.ifname, c.addr, after, newErr)
	}
	return nil
}

// start calls NewServer; serve and stop are the server's Serve and Close,
// and addr is where Serve says it listens, once it has started.
func (c listenConfig) start() (serve, stop func() error, addr *listenLog, err error) {
	addr = &listenLog{}
	if c.v6 {
		logger := server6.WithLogger(server6.ShortSummaryLogger{Printfer: addr})
		if c.logger == 'd' {
			logger = server6.WithLogger(server6.DebugLogger{Printfer: addr})
		}
		s, err := newServer6(c.ifname, c.addr, func(net.PacketConn, net.Addr, dhcpv6.DHCPv6) {}, logger)
		if err != nil {
			return nil, nil, nil, err
		}
		return s.Serve, s.Close, addr, nil
	}
	logger := server4.WithLogger(server4.ShortSummaryLogger{Printfer: addr})
	if c.logger == 'd' {
		logger = server4.WithLogger(server4.DebugLogger{Printfer: addr})
	}
	s, err := server4.NewServer(c.ifname, c.addr, func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4) {}, logger)
	if err != nil {
		return nil, nil, nil, err
	}
	return s.Serve, s.Close, addr, nil
}

// listenLog is the servers' Printfer in NSListen: it keeps the address
// Serve announces ("Server listening on %s", its first line).
type listenLog struct {
	mu    sync.Mutex
	local net.Addr
}

func (l *listenLog) Printf(format string, v ...any) {
	if strings.HasPrefix(format, "Server listening on") && len(v) == 1 {
		if a, ok := v[0].(net.Addr); ok {
			l.mu.Lock()
			l.local = a
			l.mu.Unlock()
		}
	}
}

func (l *listenLog) addr() net.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.local
}

// checkStarted holds a started server to its address and to the
// configurations that must fail.
func (c listenConfig) checkStarted(local net.Addr, known bool) error {
	if !known {
		return harness.Violated("invariant", "NSListen.NewServer.Interface", "started on interface %q, which the namespace does not have", c.ifname)
	}
	if !c.v6 && c.addr != nil && c.addr.IP != nil && c.addr.IP.To4() == nil {
		return harness.Violated("invariant", "NSListen.NewServer.Family", "server4 started on the IPv6 address %v", c.addr.IP)
	}
	u, ok := local.(*net.UDPAddr)
	if !ok {
		return harness.Violated("invariant", "NSListen.LocalAddr", "%v is not a UDP address", local)
	}
	wantIP, wantPort := net.IP(net.IPv4zero), dhcpv4.ServerPort
	if c.v6 {
		wantIP, wantPort = net.IPv6unspecified, dhcpv6.DefaultServerPort
	}
	if c.addr != nil {
		wantPort = c.addr.Port
		if c.addr.IP != nil {
			wantIP = c.addr.IP
		}
	}
	if !u.IP.Equal(wantIP) || (wantPort != 0 && u.Port != wantPort) || u.Port == 0 {
		return harness.Violated("invariant", "NSListen.LocalAddr", "listening on %v, configured %v (want %v port %d)", u, c.addr, wantIP, wantPort)
	}
	return nil
}

// checkFailed holds a failed NewServer to the configurations that must
// start.
func (c listenConfig) checkFailed(err error, known bool) error {
	// The wildcard of the server's own family (0.0.0.0 for server4, ::
	// for server6), or none.
	wildcard := c.addr == nil || c.addr.IP == nil || (c.addr.IP.IsUnspecified() && (c.addr.IP.To4() != nil) != c.v6)
	joins := c.v6 && (c.addr == nil || c.addr.Port == dhcpv6.DefaultServerPort)
	if known && wildcard && !joins {
		return harness.Violated("invariant", "NSListen.NewServer.Failed", "NewServer(%q, %v) failed: %v", c.ifname, c.addr, err)
	}
	return nil
}

// countFDs counts the process's open file descriptors.
func countFDs() (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, fmt.Errorf("dhcpfuzz: counting descriptors: %w", err)
	}
	return len(ents), nil
}
