package dnsfuzz

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Server feeds data, as one UDP datagram, to a real dns.Server through its
// read path (Server.serveUDP -> MsgAcceptFunc -> Unpack -> TSIG check ->
// Handler -> ResponseWriter.WriteMsg), so the code a DNS daemon runs on a
// packet is fuzzed, not only the decoder. The server, its in-memory
// net.PacketConn and its handler (zoneHandler: answers from a small zone,
// EDNS0 cookie/NSID/client-subnet/padding handling, TSIG, truncation to
// the client's buffer size) are started once per process.
//
// Oracle invariant:
//   - at "Reply": a request the server accepts (or rejects with FORMERR /
//     NOTIMP) gets exactly one reply, which unpacks, has the request's ID,
//     QR set and, for a query with one question, that question;
//   - at "Reply.Len": the reply fits the client's UDP buffer (512, or the
//     OPT's UDP size up to 4096);
//   - at "Reply.Count": no request gets more than one reply.
func Server(data []byte) error {
	fs, err := startServer()
	if err != nil {
		return err
	}
	replies, action := fs.exchange(data)
	return checkReplies(data, replies, action)
}

func checkReplies(req []byte, replies [][]byte, action dns.MsgAcceptAction) error {
	if len(replies) > 1 {
		return harness.Violated("invariant", "Reply.Count", "%d replies to one datagram", len(replies))
	}
	var q dns.Msg
	qErr := q.Unpack(req)
	if len(replies) == 0 {
		// Silence is right for short datagrams, responses (QR set) and
		// what MsgAcceptFunc ignores.
		if action == dns.MsgAccept && qErr == nil && len(req) >= 12 {
			return harness.Violated("invariant", "Reply", "accepted, decodable request got no reply\n%s", &q)
		}
		return nil
	}
	var r dns.Msg
	if err := r.Unpack(replies[0]); err != nil {
		return harness.Violated("invariant", "Reply", "reply does not unpack: %v", err)
	}
	if r.Id != uint16(req[0])<<8|uint16(req[1]) || !r.Response {
		return harness.Violated("invariant", "Reply", "reply id %d QR=%v to request id %d", r.Id, r.Response, uint16(req[0])<<8|uint16(req[1]))
	}
	if qErr == nil && q.Opcode == dns.OpcodeQuery && len(q.Question) == 1 && r.Rcode != dns.RcodeFormatError {
		if len(r.Question) != 1 || r.Question[0] != q.Question[0] {
			return harness.Violated("invariant", "Reply", "question %v answered as %v", q.Question, r.Question)
		}
	}
	limit := dns.MinMsgSize
	if qErr == nil {
		if opt := q.IsEdns0(); opt != nil && int(opt.UDPSize()) > limit {
			limit = min(int(opt.UDPSize()), maxServerUDP)
		}
	}
	if len(replies[0]) > limit && r.IsTsig() == nil {
		return harness.Violated("invariant", "Reply.Len", "%d-byte reply for a %d-byte buffer", len(replies[0]), limit)
	}
	return nil
}

// serverHandler is the handler the server runs, read per request; oracle
// tests replace it with a deliberately wrong one to prove the oracles fire.
var serverHandler dns.HandlerFunc = zoneHandler

// maxServerUDP caps the buffer size the handler honours, as daemons do.
const maxServerUDP = 4096

// fuzzServer is the once-per-process server and the state of the one
// exchange in flight.
type fuzzServer struct {
	conn *packetConn
	srv  *dns.Server

	mu      sync.Mutex // serializes exchanges
	state   sync.Mutex // guards the fields below
	replies [][]byte
	action  dns.MsgAcceptAction
	inHdlr  bool
	done    chan struct{}
	once    *sync.Once
}

var (
	serverOnce sync.Once
	theServer  *fuzzServer
	serverErr  error
)

func startServer() (*fuzzServer, error) {
	serverOnce.Do(func() {
		fs := &fuzzServer{conn: newPacketConn()}
		fs.conn.onWrite = fs.recordReply
		started := make(chan struct{})
		fs.srv = &dns.Server{
			PacketConn:        fs.conn,
			Handler:           dns.HandlerFunc(fs.serveDNS),
			TsigSecret:        map[string]string{"xfr-key.": tsigSecret},
			MsgAcceptFunc:     fs.accept,
			MsgInvalidFunc:    fs.invalid,
			NotifyStartedFunc: func() { close(started) },
			UDPSize:           dns.MaxMsgSize,
		}
		errc := make(chan error, 1)
		go func() { errc <- fs.srv.ActivateAndServe() }()
		select {
		case <-started:
			theServer = fs
		case err := <-errc:
			serverErr = fmt.Errorf("dnsfuzz: start in-memory dns.Server: %w", err)
		}
	})
	return theServer, serverErr
}

// exchange delivers one datagram and waits until the server has finished
// with it: its handler returned, or it wrote its FORMERR/NOTIMP reply,
// or it dropped the datagram. No timers: each path signals completion.
func (fs *fuzzServer) exchange(data []byte) ([][]byte, dns.MsgAcceptAction) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.state.Lock()
	fs.replies, fs.action, fs.inHdlr = nil, dns.MsgIgnore, false
	fs.done, fs.once = make(chan struct{}), new(sync.Once)
	done := fs.done
	fs.state.Unlock()
	fs.conn.deliver(append([]byte(nil), data...))
	<-done
	fs.state.Lock()
	defer fs.state.Unlock()
	return fs.replies, fs.action
}

func (fs *fuzzServer) finish() {
	fs.state.Lock()
	once, done := fs.once, fs.done
	fs.state.Unlock()
	once.Do(func() { close(done) })
}

func (fs *fuzzServer) accept(dh dns.Header) dns.MsgAcceptAction {
	a := dns.DefaultMsgAcceptFunc(dh)
	fs.state.Lock()
	fs.action = a
	fs.state.Unlock()
	if a == dns.MsgIgnore {
		fs.finish()
	}
	return a
}

func (fs *fuzzServer) invalid(m []byte, err error) {
	if errors.Is(err, dns.ErrShortRead) {
		fs.finish() // dropped before MsgAcceptFunc
	}
	// Otherwise Unpack failed after MsgAccept: a FORMERR reply follows.
}

func (fs *fuzzServer) recordReply(b []byte) {
	fs.state.Lock()
	fs.replies = append(fs.replies, append([]byte(nil), b...))
	inHdlr := fs.inHdlr
	fs.state.Unlock()
	if !inHdlr {
		fs.finish() // FORMERR/NOTIMP written by the server itself
	}
}

func (fs *fuzzServer) serveDNS(w dns.ResponseWriter, r *dns.Msg) {
	fs.state.Lock()
	fs.inHdlr = true
	fs.state.Unlock()
	defer fs.finish()
	serverHandler(w, r)
}

// packetConn is an in-memory net.PacketConn: ReadFrom returns delivered
// datagrams, WriteTo hands replies to onWrite.
type packetConn struct {
	in      chan []byte
	closed  chan struct{}
	onWrite func([]byte)
}

var (
	serverAddr = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 53), Port: 53}
	clientAddr = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
)

func newPacketConn() *packetConn {
	return &packetConn{in: make(chan []byte), closed: make(chan struct{})}
}

func (c *packetConn) deliver(b []byte) { c.in <- b }

func (c *packetConn) ReadFrom(p []byte) (int, net.Addr, error) {
	select {
	case b := <-c.in:
		return copy(p, b), clientAddr, nil
	case <-c.closed:
		return 0, nil, net.ErrClosed
	}
}

func (c *packetConn) WriteTo(p []byte, _ net.Addr) (int, error) {
	c.onWrite(p)
	return len(p), nil
}

func (c *packetConn) Close() error                     { close(c.closed); return nil }
func (c *packetConn) LocalAddr() net.Addr              { return serverAddr }
func (c *packetConn) SetDeadline(time.Time) error      { return nil }
func (c *packetConn) SetReadDeadline(time.Time) error  { return nil }
func (c *packetConn) SetWriteDeadline(time.Time) error { return nil }
