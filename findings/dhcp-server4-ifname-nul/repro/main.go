// Command repro shows that insomniacslk/dhcp's dhcpv4/server4.NewServer
// accepts an interface name with a NUL byte in it and binds to the part of
// the name before the NUL: "\x00nosuch" listens on every interface and
// "lo\x00junk" on lo, where a name the system does not have should fail (as
// it does in server6 and nclient4, which look the name up first).
//
// It runs itself again in a fresh network namespace (as root, or in a user
// namespace of its own where the system allows it: SO_BINDTODEVICE needs
// CAP_NET_RAW), brings lo up, checks that NewServer("lo", ...) works, then
// calls NewServer with the two names. Exit status 1 when one of them
// starts a server, 0 when both fail, 2 when it cannot run.
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

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"golang.org/x/sys/unix"
)

const port = 6767

func main() {
	if os.Getenv("REPRO_NETNS") == "" {
		isolate()
	}
	if err := loUp(); err != nil {
		fail(fmt.Errorf("bring lo up: %w", err))
	}
	handler := func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4) {}
	addr := &net.UDPAddr{IP: net.IPv4zero.To4(), Port: port}
	s, err := server4.NewServer("lo", addr, handler)
	if err != nil {
		fail(fmt.Errorf("control: NewServer(\"lo\") failed (no CAP_NET_RAW?): %w", err))
	}
	s.Close()

	present := false
	for _, name := range []string{"\x00nosuch", "lo\x00junk"} {
		s, err := server4.NewServer(name, addr, handler)
		if err != nil {
			fmt.Printf("absent: NewServer(%q) fails: %v\n", name, err)
			continue
		}
		present = true
		fmt.Printf("present: NewServer(%q) starts a server on 0.0.0.0:%d bound to %s\n", name, port, boundTo())
		s.Close()
	}
	if present {
		os.Exit(1)
	}
}

// boundTo describes the SO_BINDTODEVICE setting of the process's UDP socket
// on port.
func boundTo() string {
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
		if in4, ok := sa.(*unix.SockaddrInet4); err != nil || !ok || in4.Port != port {
			continue
		}
		dev, err := unix.GetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE)
		switch {
		case err != nil:
			return "? (" + err.Error() + ")"
		case dev == "":
			return "no interface (SO_BINDTODEVICE empty: every interface)"
		default:
			return "interface " + strconv.Quote(dev)
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
