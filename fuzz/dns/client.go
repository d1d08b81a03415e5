package dnsfuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// ClientExchange runs dns.Client.Exchange, the query path of every
// resolver and forwarder built on miekg/dns, against a malicious server on
// loopback whose answers are the input, and falls back to TCP on a
// truncated reply as a resolver does (RFC 7766 5). The input is a script:
//
//	byte 0        flags: bit 0 gives every datagram the query's ID
//	then          up to 4 UDP datagrams, each a 2-byte length and its bytes
//	the rest      the reply the TCP server sends (its ID patched likewise)
//
// After the scripted datagrams the server sends one well-formed reply with
// the query's ID, so every exchange ends without waiting for a timeout.
// The oracle ("client") is a model of the exchange: over UDP the client
// returns the first datagram (cut to its 512-octet buffer) that unpacks
// with the query's ID and skips datagrams of other IDs; it fails on the
// first datagram that does not unpack or carries a TSIG it has no secret
// for, whatever that datagram's ID (miekg/dns's behaviour, see README:
// a spoofed malformed datagram ends a pending exchange); over TCP it
// returns the reply or ErrId. The reply returned must be that datagram,
// equal in normal form.
//
// Not checked, because Client does not do it (a resolver must, RFC 5452
// 9.1): that the reply's question is the query's.
func ClientExchange(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	srv, err := startExchangeServer()
	if err != nil {
		return fmt.Errorf("dnsfuzz: start the loopback server: %w", err)
	}
	s := parseScript(data)
	q := new(dns.Msg)
	q.SetQuestion("example.com.", dns.TypeA)
	srv.set(s, q.Id)
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	r, _, err := c.Exchange(q, srv.udp.LocalAddr().String())
	if err := checkExchange("UDP", udpModel(s, q.Id), r, err); err != nil {
		return err
	}
	if err != nil || !r.Truncated {
		return nil
	}
	c.Net = "tcp"
	r, _, err = c.Exchange(q, srv.tcp.Addr().String())
	return checkExchange("TCP", tcpModel(s, q.Id), r, err)
}

// script is a parsed ClientExchange input.
type script struct {
	patchID bool
	udp     [][]byte
	tcp     []byte
}

func parseScript(data []byte) script {
	s := script{patchID: data[0]&1 == 1}
	rest := data[1:]
	for len(s.udp) < 4 && len(rest) >= 2 {
		n := int(binary.BigEndian.Uint16(rest))
		if 2+n > len(rest) {
			break
		}
		s.udp = append(s.udp, rest[2:2+n])
		rest = rest[2+n:]
	}
	s.tcp = rest
	return s
}

// withID returns d with its ID set to id when the script says so.
func (s script) withID(d []byte, id uint16) []byte {
	d = bytes.Clone(d)
	if s.patchID && len(d) >= 2 {
		binary.BigEndian.PutUint16(d, id)
	}
	return d
}

// sentinel is the well-formed reply the server sends after the script.
func sentinel(id uint16) []byte {
	m := new(dns.Msg)
	m.SetQuestion("example.com.", dns.TypeA)
	m.Id, m.Response = id, true
	b, _ := m.Pack()
	return b
}

// outcome is what the model expects of one exchange.
type outcome struct {
	reply []byte // the datagram returned, or nil
	err   error  // ErrId, or errUnpack for any unpack error
}

var errUnpack = errors.New("the datagram does not unpack")

func udpModel(s script, id uint16) outcome {
	for _, d := range append(s.udp, sentinel(id)) {
		d = s.withID(d, id)
		if len(d) > dns.MinMsgSize {
			d = d[:dns.MinMsgSize] // the client reads into a 512-octet buffer
		}
		var m dns.Msg
		if err := m.Unpack(d); err != nil || m.IsTsig() != nil {
			return outcome{err: errUnpack} // a TSIG cannot verify: the client has no secret
		}
		if m.Id == id {
			return outcome{reply: d}
		}
	}
	return outcome{} // unreachable: the sentinel matches
}

func tcpModel(s script, id uint16) outcome {
	d := s.withID(s.tcp, id)
	var m dns.Msg
	if len(d) == 0 || m.Unpack(d) != nil || m.IsTsig() != nil {
		return outcome{err: errUnpack}
	}
	if m.Id != id {
		return outcome{err: dns.ErrId}
	}
	return outcome{reply: d}
}

func checkExchange(transport string, want outcome, r *dns.Msg, err error) error {
	switch {
	case want.err != nil && err == nil:
		return harness.Violated("client", transport+".Accept", "Exchange returned a reply, the model expects %v", want.err)
	case want.err == dns.ErrId && err != dns.ErrId:
		return harness.Violated("client", transport+".ErrId", "Exchange error %v, want ErrId", err)
	case want.err != nil:
		return nil
	case err != nil:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil // a starved machine: the loopback reply came late
		}
		return harness.Violated("client", transport+".Accept", "Exchange error %v, the model expects the reply\n%x", err, want.reply)
	}
	var m dns.Msg
	if uerr := m.Unpack(want.reply); uerr != nil {
		return uerr
	}
	return equalMsg("client", &m, r)
}

// exchangeServer is the malicious server, started once per process.
type exchangeServer struct {
	udp *net.UDPConn
	tcp net.Listener

	mu sync.Mutex
	s  script
	id uint16
}

var (
	exchangeOnce sync.Once
	exchangeSrv  *exchangeServer
	exchangeErr  error
)

func startExchangeServer() (*exchangeServer, error) {
	exchangeOnce.Do(func() {
		udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			exchangeErr = err
			return
		}
		tcp, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			udp.Close()
			exchangeErr = err
			return
		}
		exchangeSrv = &exchangeServer{udp: udp, tcp: tcp}
		go exchangeSrv.serveUDP()
		go exchangeSrv.serveTCP()
	})
	return exchangeSrv, exchangeErr
}

func (e *exchangeServer) set(s script, id uint16) {
	e.mu.Lock()
	e.s, e.id = s, id
	e.mu.Unlock()
}

func (e *exchangeServer) get() (script, uint16) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.s, e.id
}

func (e *exchangeServer) serveUDP() {
	buf := make([]byte, 65535)
	for {
		_, from, err := e.udp.ReadFromUDP(buf)
		if err != nil {
			return
		}
		s, id := e.get()
		for _, d := range append(s.udp, sentinel(id)) {
			_, _ = e.udp.WriteToUDP(s.withID(d, id), from) // loopback: a lost datagram shows as a timeout
		}
	}
}

func (e *exchangeServer) serveTCP() {
	for {
		conn, err := e.tcp.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			var n uint16
			if binary.Read(conn, binary.BigEndian, &n) != nil {
				return
			}
			if _, err := io.CopyN(io.Discard, conn, int64(n)); err != nil {
				return
			}
			s, id := e.get()
			d := s.withID(s.tcp, id)
			out := binary.BigEndian.AppendUint16(nil, uint16(len(d)))
			_, _ = conn.Write(append(out, d...)) // the client's read shows any failure
		}()
	}
}
