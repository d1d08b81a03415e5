package dnsv2fuzz

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"codeberg.org/miekg/dns"
)

// v2Server is the dns.Server pair (UDP and TCP on loopback) every Server
// execution talks to.
type v2Server struct {
	udp, tcp string // addresses
}

var (
	serverOnce sync.Once
	theServer  *v2Server
	serverErr  error
)

// startServer starts the servers once per process: a fuzzing worker runs
// millions of executions, and a server per execution would cost more than
// the execution.
func startServer() (*v2Server, error) {
	serverOnce.Do(func() { theServer, serverErr = listen() })
	if serverErr != nil {
		return nil, fmt.Errorf("v2 server: %w", serverErr)
	}
	return theServer, nil
}

func listen() (*v2Server, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pc.Close()
		return nil, err
	}
	handler := dns.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) { nameHandler(ctx, w, r) })
	started := make(chan struct{}, 2)
	notify := func(context.Context) { started <- struct{}{} }
	for _, s := range []*dns.Server{
		{Net: "udp", PacketConn: pc, Handler: handler, UDPSize: serverUDPSize, NotifyStartedFunc: notify},
		{Net: "tcp", Listener: ln, Handler: handler, NotifyStartedFunc: notify},
	} {
		go func() {
			if err := s.ListenAndServe(); err != nil {
				fmt.Fprintf(os.Stderr, "dnsv2fuzz: v2 %s server: %v\n", s.Net, err)
			}
		}()
	}
	for range 2 {
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			return nil, errors.New("did not start in 30s")
		}
	}
	return &v2Server{udp: pc.LocalAddr().String(), tcp: ln.Addr().String()}, nil
}

// exchange sends wire over a fresh connection and returns the reply, nil
// when none is due (want false: it does not wait) or an error when a due
// reply did not come within replyTimeout.
func (s *v2Server) exchange(wire []byte, tcp, want bool) ([]byte, error) {
	network, addr := "udp", s.udp
	if tcp {
		network, addr = "tcp", s.tcp
	}
	conn, err := net.Dial(network, addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", network, err)
	}
	defer conn.Close()
	if tcp {
		if len(wire) > 0xffff {
			return nil, nil
		}
		wire = append(binary.BigEndian.AppendUint16(nil, uint16(len(wire))), wire...)
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, fmt.Errorf("write %s: %w", network, err)
	}
	if !want {
		return nil, nil
	}
	conn.SetReadDeadline(time.Now().Add(replyTimeout))
	if !tcp {
		buf := make([]byte, 0xffff)
		n, err := conn.Read(buf)
		if err != nil {
			return nil, fmt.Errorf("no reply over udp: %w", err)
		}
		return buf[:n], nil
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		return nil, fmt.Errorf("no reply over tcp: %w", err)
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(conn, buf); err != nil {
		return nil, fmt.Errorf("reply cut short over tcp: %w", err)
	}
	return buf, nil
}

// netipAddr is the i-th address of 192.0.2.0/24 (RFC 5737).
func netipAddr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)})
}
