package dhcpfuzz

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The namespace targets (Server4NS, Server6NS, Client4NS, Client6NS) run the
// real daemons on real sockets: two network namespaces the process creates,
// joined by a veth pair, nothing else in either. The server side owns
// srvIf, the client side cliIf; the namespaces are anonymous, so they go
// away with the process.
const (
	srvIf = "dfz-srv"
	cliIf = "dfz-cli"
	// vethMTU lets a fuzzed datagram up to 8972 bytes through unfragmented
	// (nclient4's raw socket reads link-layer frames and does not
	// reassemble fragments).
	vethMTU = 9000
)

// The link's address plan: IPv4 192.0.2.0/24 (the pool's, see pool4.go),
// IPv6 link-local only, as DHCPv6 clients and servers talk before any
// address is assigned.
var (
	srvMAC  = net.HardwareAddr{0x52, 0x54, 0x00, 0xab, 0xcd, 0x01}
	cliIP4  = net.IPv4(192, 0, 2, 2).To4()
	srvLL6  = net.ParseIP("fe80::1")
	cliLL6  = net.ParseIP("fe80::2")
	srvGUA6 = net.ParseIP("2001:db8::1")
)

// nsPair is the two namespaces and the veth between them. Each fixture
// (a daemon, a client) has its own pair, so that fixtures of different
// targets built in one process (go test runs every seed of every target)
// never share a port or a link.
type nsPair struct {
	srv, cli netns.NsHandle
}

// nsProbe builds and drops one pair, once per process; its error says why
// the namespace targets cannot run here, for the skip message.
var nsProbe = sync.OnceValue(func() error {
	p, err := newNSPair()
	if err != nil {
		return err
	}
	p.close()
	return nil
})

// NetnsReady reports whether the namespace targets can run in this
// process: nil if network namespaces joined by a veth pair can be made.
func NetnsReady() error {
	return nsProbe()
}

// inNS runs f on a fresh OS thread moved into ns. The thread is never
// handed back to the scheduler (the goroutine exits locked, so the runtime
// ends the thread), so no other goroutine ever runs in ns by accident.
// Sockets f opens stay in ns and may be used from any goroutine.
func inNS(ns netns.NsHandle, f func() error) error {
	return onOwnThread(func() error {
		if err := netns.Set(ns); err != nil {
			return fmt.Errorf("entering a network namespace: %w", err)
		}
		return f()
	})
}

// onOwnThread runs f on an OS thread that ends with it.
func onOwnThread(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		errc <- f()
	}()
	return <-errc
}

// newNSPair makes two namespaces joined by a veth pair, configured and up.
func newNSPair() (*nsPair, error) {
	p, err := makeNSPair()
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the namespace targets need network namespaces and a veth pair (root, or CAP_NET_ADMIN and CAP_NET_RAW): %w", err)
	}
	return p, nil
}

func makeNSPair() (*nsPair, error) {
	p := &nsPair{srv: -1, cli: -1}
	err := onOwnThread(func() error {
		var err error
		if p.srv, err = netns.New(); err != nil {
			return err
		}
		p.cli, err = netns.New()
		return err
	})
	if err != nil {
		p.close()
		return nil, fmt.Errorf("creating network namespaces: %w", err)
	}
	if err := inNS(p.cli, func() error { return prepareNS() }); err != nil {
		p.close()
		return nil, err
	}
	err = inNS(p.srv, func() error {
		if err := prepareNS(); err != nil {
			return err
		}
		veth := &netlink.Veth{
			LinkAttrs:        netlink.LinkAttrs{Name: srvIf, MTU: vethMTU, HardwareAddr: srvMAC},
			PeerName:         cliIf,
			PeerHardwareAddr: clientMAC4,
			PeerMTU:          vethMTU,
			PeerNamespace:    netlink.NsFd(int(p.cli)),
		}
		if err := netlink.LinkAdd(veth); err != nil {
			return fmt.Errorf("creating veth pair %s/%s: %w", srvIf, cliIf, err)
		}
		return configureLink(srvIf, &net.IPNet{IP: serverIP4, Mask: netmask4}, srvLL6, srvGUA6)
	})
	if err != nil {
		p.close()
		return nil, err
	}
	if err := inNS(p.cli, func() error {
		return configureLink(cliIf, &net.IPNet{IP: cliIP4, Mask: netmask4}, cliLL6, nil)
	}); err != nil {
		p.close()
		return nil, err
	}
	for _, side := range []struct {
		ns   netns.NsHandle
		name string
	}{{p.srv, srvIf}, {p.cli, cliIf}} {
		if err := inNS(side.ns, func() error { return waitOperUp(side.name) }); err != nil {
			p.close()
			return nil, err
		}
	}
	return p, nil
}

// waitOperUp waits for the kernel to see carrier on name: a veth gets it
// asynchronously (link watch) once both ends are up, and IPv6 routes to
// the link (ff00::/8, fe80::/64) appear only then.
func waitOperUp(name string) error {
	deadline := time.Now().Add(nsGuard)
	for {
		link, err := netlink.LinkByName(name)
		if err != nil {
			return err
		}
		if link.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not up after %v (operstate %v)", name, nsGuard, link.Attrs().OperState)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *nsPair) close() {
	for _, h := range []netns.NsHandle{p.srv, p.cli} {
		if h.IsOpen() {
			_ = h.Close()
		}
	}
}

// prepareNS brings lo up and makes IPv6 addresses usable at once: no
// duplicate address detection (a tentative address cannot be bound) and no
// automatic link-local address (the targets assign fe80::1 and fe80::2, so
// each interface has exactly one link-local address).
func prepareNS() error {
	for _, kv := range [][2]string{
		{"net/ipv6/conf/default/accept_dad", "0"},
		{"net/ipv6/conf/default/addr_gen_mode", "1"},
		{"net/ipv6/conf/default/accept_ra", "0"},
	} {
		if err := os.WriteFile("/proc/sys/"+kv[0], []byte(kv[1]), 0); err != nil {
			return fmt.Errorf("sysctl %s: %w", kv[0], err)
		}
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return err
	}
	return netlink.LinkSetUp(lo)
}

// configureLink gives the interface name its addresses and brings it up.
func configureLink(name string, v4 *net.IPNet, ll6, gua6 net.IP) error {
	link, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	addrs := []*netlink.Addr{{IPNet: v4}, {IPNet: &net.IPNet{IP: ll6, Mask: net.CIDRMask(64, 128)}, Flags: unix.IFA_F_NODAD}}
	if gua6 != nil {
		addrs = append(addrs, &netlink.Addr{IPNet: &net.IPNet{IP: gua6, Mask: net.CIDRMask(64, 128)}, Flags: unix.IFA_F_NODAD})
	}
	for _, a := range addrs {
		if err := netlink.AddrAdd(link, a); err != nil {
			return fmt.Errorf("adding %v to %s: %w", a.IPNet, name, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("bringing %s up: %w", name, err)
	}
	return nil
}
