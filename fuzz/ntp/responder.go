package ntpfuzz

import (
	"bytes"
	"context"
	"fmt"
	"github.com/daemonfuzz/daemonfuzz/internal/harness"
	"github.com/facebook/time/ntp/protocol/nts"
	"io"
	"net"
	"sync"
	"time"

	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/responder/announce"
	"github.com/facebook/time/ntp/responder/checker"
	"github.com/facebook/time/ntp/responder/server"
	"github.com/facebook/time/timestamp"
	"github.com/sirupsen/logrus"
)

// outcome is how the responder finished with one request, as reported
// through its Stats interface: exactly one terminal counter per request.
type outcome string

const (
	outReadError      outcome = "read-error"
	outInvalidFormat  outcome = "invalid-format"
	outCookieOpenFail outcome = "cookie-open-failed"
	outAuthFail       outcome = "auth-failed"
	outResponse       outcome = "response"
)

// outcomeStats implements server.Stats and turns the terminal counters into
// events, so a caller knows when the server is done with a request without
// waiting for a reply that will never come.
type outcomeStats struct{ events chan outcome }

func (s *outcomeStats) emit(o outcome) {
	select {
	case s.events <- o:
	default: // nobody listening (startup probes); never block the server
	}
}

func (s *outcomeStats) Start(int)               {}
func (s *outcomeStats) IncInvalidFormat()       { s.emit(outInvalidFormat) }
func (s *outcomeStats) IncRequests()            {}
func (s *outcomeStats) IncResponses()           { s.emit(outResponse) }
func (s *outcomeStats) IncListeners()           {}
func (s *outcomeStats) IncWorkers()             {}
func (s *outcomeStats) IncReadError()           { s.emit(outReadError) }
func (s *outcomeStats) IncNTSAuthOK()           {}
func (s *outcomeStats) IncNTSAuthFailed()       { s.emit(outAuthFail) }
func (s *outcomeStats) IncNTSCookieOpenFailed() { s.emit(outCookieOpenFail) }
func (s *outcomeStats) IncNTSCookieExpired()    {}
func (s *outcomeStats) IncNTSCookieFuture()     {}
func (s *outcomeStats) DecListeners()           {}
func (s *outcomeStats) DecWorkers()             {}
func (s *outcomeStats) SetAnnounce()            {}
func (s *outcomeStats) ResetAnnounce()          {}

// responder is facebook/time's NTP responder (ntp/responder/server) running
// on 127.0.0.1 with NTS enabled under the fixed keystore, one worker, and a
// client socket to talk to it. Started once per process.
type responder struct {
	mu     sync.Mutex
	conn   *net.UDPConn
	stats  *outcomeStats
	buf    []byte
	maxLen int
}

// responderWait bounds the wait for the server's verdict on one request. The
// server reports every request it reads through Stats, so this is reached
// only when it fails to send a reply it decided to send, or under heavy
// load; it is generous, and an input without a verdict in time is not
// judged, so load never becomes a finding. An exchange waits at most twice
// this (verdict, then reply), which must stay under go test -fuzz's 10 s per
// input: past that the worker panics "deadlocked!" with its output
// discarded, a silent "exit status 2".
const responderWait = 4 * time.Second

var (
	responderOnce sync.Once
	theResponder  *responder
	responderErr  error
)

func sharedResponder() (*responder, error) {
	responderOnce.Do(func() { theResponder, responderErr = startResponder() })
	return theResponder, responderErr
}

func startResponder() (*responder, error) {
	// The responder logs every unparsable datagram at error level.
	logrus.SetOutput(io.Discard)
	ks, err := Keystore()
	if err != nil {
		return nil, err
	}
	port, err := freeUDPPort()
	if err != nil {
		return nil, err
	}
	stats := &outcomeStats{events: make(chan outcome, 16)}
	s := &server.Server{
		Config: server.Config{
			Iface: "lo", IPs: server.MultiIPs{net.IPv4(127, 0, 0, 1)}, Port: port,
			RefID: "FUZZ", Stratum: 1, TimestampType: timestamp.SWRX, Workers: 1, Keystore: ks,
		},
		Announce: &announce.NoopAnnounce{},
		Stats:    stats,
		Checker:  &checker.SimpleChecker{ExpectedListeners: 1, ExpectedWorkers: 1},
	}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Start(ctx, cancel)
	conn, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("ntpfuzz: dial responder: %w", err)
	}
	r := &responder{conn: conn, stats: stats, buf: make([]byte, 65536), maxLen: 1500}
	// Wait until the listener answers a plain client request.
	probe := []byte{0x23, 0, 6, 0}
	probe = append(probe, make([]byte, 44)...)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if reply, out := r.exchange(probe, 100*time.Millisecond); out == outResponse && reply != nil {
			return r, nil
		}
	}
	cancel()
	return nil, fmt.Errorf("ntpfuzz: the NTP responder on 127.0.0.1:%d did not answer within 10 s", port)
}

// exchange sends req and returns the server's verdict and its reply, if any.
func (r *responder) exchange(req []byte, wait time.Duration) ([]byte, outcome) {
	// Forget whatever a request that timed out left behind.
	for drained := false; !drained; {
		select {
		case <-r.stats.events:
		default:
			drained = true
		}
	}
	_ = r.conn.SetReadDeadline(time.Now())
	for {
		if _, err := r.conn.Read(r.buf); err != nil {
			break
		}
	}
	if _, err := r.conn.Write(req); err != nil {
		return nil, ""
	}
	var out outcome
	select {
	case out = <-r.stats.events:
	case <-time.After(wait):
		return nil, ""
	}
	if out != outResponse {
		return nil, out
	}
	_ = r.conn.SetReadDeadline(time.Now().Add(wait))
	n, err := r.conn.Read(r.buf)
	if err != nil {
		return nil, out
	}
	return append([]byte(nil), r.buf[:n]...), out
}

func freeUDPPort() (int, error) {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return 0, fmt.Errorf("ntpfuzz: find a free port for the responder: %w", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// Responder sends data to facebook/time's NTP responder, running in-process
// on loopback with NTS enabled, and checks its answer against what the
// request allows (the request is what the server reads: at most 1500 octets):
//   - invariant: an unparsable request or one failing RFC 5905's client
//     rule is never answered; a valid plain request is always answered, in
//     server mode with the request's version and poll, its transmit time as
//     origin, and no extension fields;
//   - auth-bypass: an NTS request is answered only if its authenticator
//     verifies under the keys its cookie holds (checked here independently
//     with the fixed keystore);
//   - nts-response: the answer to an NTS request verifies with
//     nts.VerifyNTSResponse under the request's S2C key and unique
//     identifier, and its fresh cookies open to the request's keys.
func Responder(data []byte) error {
	if len(data) > maxPeerReply {
		return nil
	}
	r, err := sharedResponder()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	reply, out := r.exchange(data, responderWait)
	if out == "" || (out == outResponse && reply == nil) {
		return nil // no verdict or no reply in time: nothing to judge
	}
	return checkResponder(data[:min(len(data), r.maxLen)], reply, out)
}

func checkResponder(req, reply []byte, out outcome) error {
	p, err := protocol.BytesToPacket(req)
	switch {
	case err != nil:
		if reply != nil {
			return harness.Violated("invariant", "Response", "answered an unparsable request (%v)", err)
		}
		return nil
	case !validSettings(req[0]):
		if reply != nil {
			return harness.Violated("invariant", "Response", "answered a request with settings %#02x", req[0])
		}
		return nil
	case protocol.HasNTSField(p.ExtensionFields):
		if reply == nil {
			return nil
		}
		return checkNTSAnswer(req, p, reply)
	case reply == nil:
		return harness.Violated("invariant", "Response", "no reply to a valid plain request (server outcome %q)", out)
	}
	q, err := checkAnswerHeader(p, reply)
	if err != nil {
		return err
	}
	if len(q.ExtensionFields) != 0 || len(reply) != protocol.PacketSizeBytes {
		return harness.Violated("invariant", "Response.ExtensionFields", "plain request answered with %d octets, fields %v", len(reply), efTypes(q.ExtensionFields))
	}
	return nil
}

// checkAnswerHeader checks the header every answer must have.
func checkAnswerHeader(req *protocol.Packet, reply []byte) (*protocol.Packet, error) {
	q, err := protocol.BytesToPacket(reply)
	if err != nil {
		return nil, harness.Violated("invariant", "Response", "answer does not decode: %v", err)
	}
	switch {
	case q.Settings&7 != 4 || q.Settings>>3&7 != req.Settings>>3&7:
		return nil, harness.Violated("invariant", "Response.Settings", "request %#02x answered with %#02x", req.Settings, q.Settings)
	case q.OrigTimeSec != req.TxTimeSec || q.OrigTimeFrac != req.TxTimeFrac:
		return nil, harness.Violated("invariant", "Response.OrigTime", "origin %08x.%08x, request transmit %08x.%08x", q.OrigTimeSec, q.OrigTimeFrac, req.TxTimeSec, req.TxTimeFrac)
	case q.Poll != req.Poll:
		return nil, harness.Violated("invariant", "Response.Poll", "poll %d, request %d", q.Poll, req.Poll)
	}
	return q, nil
}

func checkNTSAnswer(req []byte, p *protocol.Packet, reply []byte) error {
	v, err := verifyNTSRequest(req)
	if err != nil {
		return err
	}
	if v == nil {
		return harness.Violated("auth-bypass", "NTSAuthenticator", "answered an NTS request whose authenticator does not verify under its cookie's keys")
	}
	if _, err := checkAnswerHeader(p, reply); err != nil {
		return err
	}
	_, cookies, err := nts.VerifyNTSResponse(reply, v.alg, v.s2c, v.uid)
	if err != nil {
		return harness.Violated("nts-response", "VerifyNTSResponse", "answer to a verified NTS request does not verify: %v", err)
	}
	ks, err := Keystore()
	if err != nil {
		return err
	}
	for i, c := range cookies {
		alg, c2s, s2c, err := ks.OpenCookie(c)
		if err != nil || alg != v.alg || !bytes.Equal(c2s, v.c2s) || !bytes.Equal(s2c, v.s2c) {
			return harness.Violated("nts-response", fmt.Sprintf("Cookies[%d]", i), "fresh cookie opens to AEAD %d (%v), request used %d", alg, err, v.alg)
		}
	}
	return nil
}
