// Command repro shows that insomniacslk/dhcp's dhcpv6/server6.NewServer,
// given an IPv4 address in its 4-byte form, copies those 4 bytes into the
// first 4 of an IPv6 address instead of rejecting the wrong family (as
// server4 does): "0.0.0.0:5" starts a server on "[::]:5", every IPv6
// address of the host. (The 16-byte form of the same address fails with
// EINVAL from bind, and 127.0.0.1 becomes 7f00:1::.)
//
// It runs itself again in a fresh network namespace (as root, or in a user
// namespace of its own where the system allows it), brings lo up and calls
// NewServer("", 0.0.0.0:5) with the 4-byte and the 16-byte address. Exit
// status 1 when a server starts, 0 when both fail, 2 when it cannot run.
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"
	"golang.org/x/sys/unix"
)

const port = 5

func main() {
	if os.Getenv("REPRO_NETNS") == "" {
		isolate()
	}
	if err := loUp(); err != nil {
		fail(fmt.Errorf("bring lo up: %w", err))
	}
	handler := func(net.PacketConn, net.Addr, dhcpv6.DHCPv6) {}
	s, err := server6.NewServer("", &net.UDPAddr{IP: net.IPv6unspecified, Port: port}, handler)
	if err != nil {
		fail(fmt.Errorf("control: NewServer(\"\", [::]:%d) failed: %w", port, err))
	}
	s.Close()

	present := false
	for _, ip := range []net.IP{net.IPv4zero.To4(), net.IPv4zero.To16()} {
		addr := &net.UDPAddr{IP: ip, Port: port}
		s, err := server6.NewServer("", addr, handler)
		if err != nil {
			fmt.Printf("fails: NewServer(\"\", %v) with a %d-byte IP: %v\n", addr, len(ip), err)
			continue
		}
		present = true
		fmt.Printf("present: NewServer(\"\", %v) with a %d-byte IP starts an IPv6 server listening on %s\n", addr, len(ip), listening())
		s.Close()
	}
	if present {
		os.Exit(1)
	}
}

// listening is the local address of the process's IPv6 UDP socket on port.
func listening() string {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return "? (" + err.Error() + ")"
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); !strings.HasPrefix(l, "socket:") {
			continue
		}
		sa, err := unix.Getsockname(fd)
		if in6, ok := sa.(*unix.SockaddrInet6); err == nil && ok && in6.Port == port {
			return net.JoinHostPort(net.IP(in6.Addr[:]).String(), strconv.Itoa(in6.Port))
		}
	}
	return "? (socket not found)"
}

// isolate runs the program again in a new network namespace and exits with
// its status. Not as root, the new namespace belongs to a new user namespace
// in which the program is root (where the system allows unprivileged user
// namespaces).
func isolate() {
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Env = append(os.Environ(), "REPRO_NETNS=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if os.Geteuid() != 0 {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		// Exit status 77: this machine cannot run the reproducer (it
		// cannot create the namespace), which says nothing about the bug.
		fmt.Fprintf(os.Stderr, "repro: cannot run here: run in a new network namespace (needs root or unprivileged user namespaces): %v\n", err)
		os.Exit(77)
	}
	os.Exit(0)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "repro:", err)
	os.Exit(2)
}

// loUp brings up the new namespace's loopback interface (SIOCSIFFLAGS).
func loUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	ifr.SetUint16(unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
