// Command repro shows that facebook/time's NTP responder (ntp/responder/server)
// fails to start a listener on an IPv6 address it adds itself
// (Config.ManageLoopback, the ntpresponder daemon's default): it binds the
// address right after adding it, while the kernel still holds it tentative,
// and the listener calls log.Fatalf ("bind: cannot assign requested address").
//
// It runs itself again in a fresh network namespace (as root, or in a user
// namespace of its own where the system allows it), brings lo up and starts
// one server per address fd00::1..fd00::3e8 on lo, as `ntpresponder -ip
// fd00::K` does. Exit status 1 and the count when any listener failed, 0 when
// all bound, 2 when it cannot run.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/facebook/time/ntp/responder/announce"
	"github.com/facebook/time/ntp/responder/server"
	"github.com/facebook/time/ntp/responder/stats"
	"github.com/facebook/time/timestamp"
	log "github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

const n = 1000

// checker counts the listeners that got past bind (startListener calls
// IncListeners first thing).
type checker struct{ listeners atomic.Int32 }

func (c *checker) Check() error  { return nil }
func (c *checker) IncListeners() { c.listeners.Add(1) }
func (c *checker) IncWorkers()   {}
func (c *checker) DecListeners() {}
func (c *checker) DecWorkers()   {}

func main() {
	if os.Getenv("REPRO_NETNS") == "" {
		isolate()
	}
	if err := loUp(); err != nil {
		fail(fmt.Errorf("bring lo up: %w", err))
	}

	var fatals atomic.Int32
	var first atomic.Value
	log.SetOutput(io.Discard)
	log.StandardLogger().ExitFunc = func(int) { fatals.Add(1); runtime.Goexit() }
	log.AddHook(hook{&first})
	c := &checker{}
	for i := 1; i <= n; i++ {
		s := &server.Server{
			Config: server.Config{
				Iface: "lo", IPs: server.MultiIPs{net.ParseIP(fmt.Sprintf("fd00::%x", i))}, Port: 123,
				ManageLoopback: true, RefID: "TEST", Stratum: 1, TimestampType: timestamp.SWRX, Workers: 1,
			},
			Announce: &announce.NoopAnnounce{},
			Stats:    &stats.JSONStats{},
			Checker:  c,
		}
		ctx, cancel := context.WithCancel(context.Background())
		go s.Start(ctx, cancel)
	}
	for deadline := time.Now().Add(60 * time.Second); int(fatals.Load()+c.listeners.Load()) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			fail(fmt.Errorf("after 60 s only %d of %d listeners bound or failed", fatals.Load()+c.listeners.Load(), n))
		}
	}
	if f := fatals.Load(); f > 0 {
		fmt.Printf("present: %d of %d listeners on a new IPv6 address of lo called log.Fatalf, first: %v\n", f, n, first.Load())
		os.Exit(1)
	}
	fmt.Printf("absent: all %d listeners bound their new IPv6 address\n", n)
}

type hook struct{ first *atomic.Value }

func (hook) Levels() []log.Level { return []log.Level{log.FatalLevel} }
func (h hook) Fire(e *log.Entry) error {
	h.first.CompareAndSwap(nil, e.Message)
	return nil
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
