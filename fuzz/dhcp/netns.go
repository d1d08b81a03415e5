package dhcpfuzz

import (
	"fmt"
	"net"
	"strconv"

	"github.com/vishvananda/netlink"

	"github.com/daemonfuzz/daemonfuzz/internal/netns"
)

// The namespace targets (NSServer4, NSServer6, NSClient4, NSClient6) run the
// real daemons and clients on real sockets: each fixture gets its own
// internal/netns Pair (two private namespaces joined by a veth pair), so
// that the fixtures of different targets built in one process (go test
// runs every seed of every target) never share a port or a link.

// vethMTU lets a fuzzed datagram up to 8972 bytes through unfragmented
// (nclient4's raw socket and the NSServer4 broadcast path work on link-layer
// frames, which the kernel does not fragment or reassemble for them).
const vethMTU = 9000

// link is a Pair prepared for DHCP: a 9000-byte MTU, and exactly one
// link-local address per end (the Pair's fixed one; the kernel's own
// EUI-64 address is removed), so that "the client's link-local address"
// and the source a server picks are each one address.
type link struct {
	*netns.Pair
	srvZone, cliZone string // the ends' interface indexes, as IPv6 zones
}

// newLink makes and prepares a Pair.
func newLink() (*link, error) {
	p, err := netns.NewPair()
	if err != nil {
		return nil, fmt.Errorf("dhcpfuzz: the namespace targets' veth pair: %w", err)
	}
	l := &link{Pair: p, srvZone: strconv.Itoa(p.ServerIndex), cliZone: strconv.Itoa(p.ClientIndex)}
	for _, end := range []struct {
		ns   *netns.NS
		name string
		ll   net.IP
	}{{p.Server, p.ServerLink, l.srvLL()}, {p.Client, p.ClientLink, l.cliLL()}} {
		if err := end.ns.Do(func() error { return prepareEnd(end.name, end.ll) }); err != nil {
			_ = p.Close()
			return nil, fmt.Errorf("dhcpfuzz: preparing %s: %w", end.name, err)
		}
	}
	return l, nil
}

// prepareEnd sets the MTU of the interface name and drops its link-local
// addresses other than keep. It runs in the interface's namespace.
func prepareEnd(name string, keep net.IP) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	if err := netlink.LinkSetMTU(l, vethMTU); err != nil {
		return fmt.Errorf("MTU %d: %w", vethMTU, err)
	}
	addrs, err := netlink.AddrList(l, netlink.FAMILY_V6)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if a.IP.IsLinkLocalUnicast() && !a.IP.Equal(keep) {
			if err := netlink.AddrDel(l, &a); err != nil {
				return fmt.Errorf("removing %v: %w", a.IPNet, err)
			}
		}
	}
	return nil
}

func (l *link) srvIP4() net.IP { return l.ServerIPv4.AsSlice() }
func (l *link) cliIP4() net.IP { return l.ClientIPv4.AsSlice() }
func (l *link) srvLL() net.IP  { return l.ServerLinkLocal.AsSlice() }
func (l *link) cliLL() net.IP  { return l.ClientLinkLocal.AsSlice() }
