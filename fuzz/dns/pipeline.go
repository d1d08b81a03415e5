package dnsfuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// TCPPipeline pipelines the input's queries down one TCP connection to a
// real dns.Server on loopback (RFC 7766 6.2.1: a client may send several
// queries without waiting), through the server's TCP read loop,
// DecorateReader, MsgAcceptFunc, TSIG check and a dns.ServeMux routing
// example.org. to zoneHandler; and sends the first query the server must
// answer as a UDP datagram to the same server code on a real UDP socket
// (ListenAndServe with ReusePort: udp.go's session handling, socket
// options) and through miekg/dns's Client over TCP. The input is the TCP stream: 2-byte lengths and messages (a
// cut last frame is sent as it is); frame i's ID is set to 0x1000+i so
// each reply names its query.
//
// Oracles (invariant, as Server's):
//   - at "Reply" and "Reply.Count": every frame the server accepts (or
//     rejects with FORMERR/NOTIMP) gets exactly one reply, in order, with
//     its ID and QR set, for a query with one question that question; a
//     frame shorter than a header, or a response, gets none; no reply
//     answers nothing;
//   - at "Reply.Len" (UDP): the reply fits the client's buffer;
//   - at "DecorateReader": every frame went through the decorated reader;
//   - at "Client.Exchange": the first answerable query, sent by
//     miekg/dns's own Client over TCP (plain, TSIG-signed, or on a Conn),
//     gets its reply without error.
func TCPPipeline(data []byte) error {
	srv, err := startTCPServer()
	if err != nil {
		return err
	}
	frames, stream := pipelined(data)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.reads.Store(0)
	replies, err := exchangeTCP(srv.tcp, stream)
	if err != nil {
		return err
	}
	if err := checkPipelined(frames, replies); err != nil {
		return err
	}
	if n := srv.reads.Load(); n < int64(len(frames)) {
		return harness.Violated("invariant", "DecorateReader", "%d frames, %d reads through the decorated reader", len(frames), n)
	}
	if err := udpOnce(srv.udp, frames); err != nil {
		return err
	}
	return clientOnce(srv.tcp, frames, len(data)%3)
}

// clientOnce sends the first frame the server must answer through
// miekg/dns's own client over TCP, one of three ways by how: Client with
// separate timeouts and ExchangeContext; Client signing it with TSIG
// (TsigSecret: the signed reply is verified); WriteMsg and ReadMsg on a
// Conn from DialTimeout. The exchange must succeed with the query's ID and, for one
// question, its question.
func clientOnce(addr string, frames [][]byte, how int) error {
	for _, f := range frames {
		action, _ := frameAction(f)
		var m dns.Msg
		if action != dns.MsgAccept || m.Unpack(f) != nil {
			continue
		}
		if n := len(m.Extra); n > 0 && m.Extra[n-1].Header().Rrtype == dns.TypeTSIG {
			m.Extra = m.Extra[:n-1]
		}
		if _, err := m.Pack(); err != nil {
			return nil // Wire's business
		}
		r, err := exchangeClient(addr, &m, how)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil // a starved machine
		}
		if err != nil {
			return harness.Violated("invariant", "Client.Exchange", "miekg/dns's client (way %d) to its own server: %v\n%v", how, err, &m)
		}
		if r.Id != m.Id || !r.Response {
			return harness.Violated("invariant", "Client.Exchange", "reply id %d QR=%v to id %d", r.Id, r.Response, m.Id)
		}
		if m.Opcode == dns.OpcodeQuery && len(m.Question) == 1 && r.Rcode != dns.RcodeFormatError && (len(r.Question) != 1 || r.Question[0] != m.Question[0]) {
			return harness.Violated("invariant", "Client.Exchange", "question %v answered as %v", m.Question, r.Question)
		}
		return nil
	}
	return nil
}

func exchangeClient(addr string, m *dns.Msg, how int) (*dns.Msg, error) {
	switch how {
	case 0:
		c := &dns.Client{Net: "tcp", DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r, _, err := c.ExchangeContext(ctx, m, addr)
		return r, err
	case 1:
		c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second, TsigSecret: map[string]string{xfrKeyName: tsigSecret}}
		m.SetTsig(xfrKeyName, dns.HmacSHA256, 300, time.Now().Unix())
		r, _, err := c.Exchange(m, addr)
		return r, err
	default:
		conn, err := dns.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if err := conn.WriteMsg(m); err != nil {
			return nil, err
		}
		return conn.ReadMsg()
	}
}

// pipelined splits data into frames, gives each its ID, and returns them
// with the stream to send.
func pipelined(data []byte) ([][]byte, []byte) {
	var frames [][]byte
	var stream []byte
	rest := data
	for len(rest) >= 2 {
		n := int(binary.BigEndian.Uint16(rest))
		if 2+n > len(rest) {
			break
		}
		f := bytes.Clone(rest[2 : 2+n])
		if len(f) >= 2 {
			binary.BigEndian.PutUint16(f, uint16(0x1000+len(frames)))
		}
		frames = append(frames, f)
		stream = append(stream, rest[:2]...)
		stream = append(stream, f...)
		rest = rest[2+n:]
	}
	return frames, append(stream, rest...)
}

// exchangeTCP writes the stream, closes the write side, and reads replies
// until the server closes the connection.
func exchangeTCP(addr string, stream []byte) ([][]byte, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dnsfuzz: dial the loopback dns.Server: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	errc := make(chan error, 1)
	go func() {
		_, err := conn.Write(stream)
		if err == nil {
			err = conn.(*net.TCPConn).CloseWrite()
		}
		errc <- err
	}()
	var replies [][]byte
	for {
		var n uint16
		if err := binary.Read(conn, binary.BigEndian, &n); err != nil {
			break
		}
		r := make([]byte, n)
		if _, err := io.ReadFull(conn, r); err != nil {
			return nil, harness.Violated("invariant", "Reply", "a reply cut off: %v", err)
		}
		replies = append(replies, r)
	}
	<-errc // a write error: the server closed early, which the replies show
	return replies, nil
}

// frameAction is what the server's MsgAcceptFunc makes of a frame, and
// whether a reply must come (MsgIgnore, or a frame shorter than a header:
// none).
func frameAction(f []byte) (dns.MsgAcceptAction, bool) {
	if len(f) < 12 {
		return dns.MsgIgnore, false
	}
	h := dns.Header{Id: binary.BigEndian.Uint16(f), Bits: binary.BigEndian.Uint16(f[2:]),
		Qdcount: binary.BigEndian.Uint16(f[4:]), Ancount: binary.BigEndian.Uint16(f[6:]),
		Nscount: binary.BigEndian.Uint16(f[8:]), Arcount: binary.BigEndian.Uint16(f[10:])}
	a := dns.DefaultMsgAcceptFunc(h)
	return a, a != dns.MsgIgnore
}

// checkPipelined matches replies to frames by ID, in order.
func checkPipelined(frames, replies [][]byte) error {
	next := 0
	for _, f := range frames {
		action, _ := frameAction(f)
		var mine [][]byte
		if next < len(replies) && len(f) >= 2 && len(replies[next]) >= 2 && bytes.Equal(replies[next][:2], f[:2]) {
			mine = replies[next : next+1]
			next++
		}
		if len(f) < 12 {
			if len(mine) > 0 {
				return harness.Violated("invariant", "Reply", "a reply to a %d-octet frame", len(f))
			}
			continue
		}
		if err := checkReplies(f, mine, action); err != nil {
			return err
		}
	}
	if next < len(replies) {
		return harness.Violated("invariant", "Reply.Count", "%d replies, %d of them to no query (next %x)", len(replies), len(replies)-next, replies[next][:min(2, len(replies[next]))])
	}
	return nil
}

// udpOnce sends the first frame that must be answered (accepted and
// decodable) to the UDP server and checks its reply.
func udpOnce(addr string, frames [][]byte) error {
	for _, f := range frames {
		action, _ := frameAction(f)
		var m dns.Msg
		if action != dns.MsgAccept || m.Unpack(f) != nil || len(f) > dns.MaxMsgSize-100 {
			continue
		}
		conn, err := net.Dial("udp", addr)
		if err != nil {
			return fmt.Errorf("dnsfuzz: dial the loopback UDP dns.Server: %w", err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write(f); err != nil {
			return nil // a datagram over the loopback MTU
		}
		buf := make([]byte, dns.MaxMsgSize)
		n, err := conn.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil // a starved machine, or a lost datagram: not a finding
		}
		if err != nil {
			return nil
		}
		return checkReplies(f, [][]byte{buf[:n]}, action)
	}
	return nil
}

// tcpServer is the loopback dns.Server pair, started once per process.
type tcpServer struct {
	tcp, udp string
	mu       sync.Mutex // one exchange at a time
	reads    atomic.Int64
}

// countingReader counts the messages a server reads.
type countingReader struct {
	dns.Reader
	n *atomic.Int64
}

func (r countingReader) ReadTCP(conn net.Conn, timeout time.Duration) ([]byte, error) {
	m, err := r.Reader.ReadTCP(conn, timeout)
	if err == nil {
		r.n.Add(1)
	}
	return m, err
}

// serverMux routes example.org. to zoneHandler and arpa. to a handler
// that answers NXDOMAIN; other names (and removed.example., registered
// and removed) get the mux's own REFUSED.
func serverMux() *dns.ServeMux {
	mux := dns.NewServeMux()
	mux.HandleFunc("example.org.", func(w dns.ResponseWriter, r *dns.Msg) { serverHandler(w, r) })
	mux.HandleFunc("arpa.", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg).SetRcode(r, dns.RcodeNameError)
		if w.WriteMsg(m) != nil {
			m.Question = nil
			_ = w.WriteMsg(m)
		}
	})
	mux.HandleFunc("removed.example.", zoneHandler)
	mux.HandleRemove("removed.example.")
	return mux
}

var startTCPServer = sync.OnceValues(func() (*tcpServer, error) {
	ts := &tcpServer{}
	mux := serverMux()
	start := func(network string) (string, error) {
		started := make(chan struct{})
		srv := &dns.Server{
			Addr:              "127.0.0.1:0",
			Net:               network,
			ReusePort:         true,
			ReuseAddr:         true,
			Handler:           mux,
			TsigSecret:        map[string]string{"xfr-key.": tsigSecret},
			MsgAcceptFunc:     dns.DefaultMsgAcceptFunc,
			DecorateReader:    func(r dns.Reader) dns.Reader { return countingReader{r, &ts.reads} },
			NotifyStartedFunc: func() { close(started) },
		}
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		select {
		case <-started:
		case err := <-errc:
			return "", fmt.Errorf("dnsfuzz: start the loopback %s dns.Server: %w", network, err)
		}
		if srv.Listener != nil {
			return srv.Listener.Addr().String(), nil
		}
		return srv.PacketConn.LocalAddr().String(), nil
	}
	var err error
	if ts.tcp, err = start("tcp"); err != nil {
		return nil, err
	}
	if ts.udp, err = start("udp"); err != nil {
		return nil, err
	}
	return ts, nil
})
