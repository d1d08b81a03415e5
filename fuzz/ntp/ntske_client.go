package ntpfuzz

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// keTimeout bounds one NTS-KE exchange. Both ends are in this process and
// the peer always answers and closes, so a normal input never waits for it;
// it is generous because a loaded machine must not turn into a finding. An
// exchange that did not complete in time is not judged.
const keTimeout = 10 * time.Second

// kePeer is a TLS 1.3 NTS-KE "server" on 127.0.0.1 that reads the client's
// request and answers with the current fuzz input, then closes: the
// malicious-server surface of an NTS-KE client. Started once per process.
type kePeer struct {
	ln        net.Listener
	mu        sync.Mutex
	reply     []byte
	state     tls.ConnectionState // of the last connection, for the exporter keys
	delivered bool                // the last reply was written in full
}

var (
	kePeerOnce sync.Once
	kePeerVal  *kePeer
	kePeerErr  error
	keQueryMu  sync.Mutex
)

func sharedKEPeer() (*kePeer, error) {
	kePeerOnce.Do(func() {
		t, err := sharedKETLS()
		if err != nil {
			kePeerErr = err
			return
		}
		ln, err := tls.Listen("tcp4", "127.0.0.1:0", t.server)
		if err != nil {
			kePeerErr = fmt.Errorf("ntpfuzz: start NTS-KE peer: %w", err)
			return
		}
		kePeerVal = &kePeer{ln: ln}
		go kePeerVal.serve()
	})
	return kePeerVal, kePeerErr
}

func (p *kePeer) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.handle(c.(*tls.Conn))
	}
}

func (p *kePeer) handle(c *tls.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(keTimeout))
	if err := c.Handshake(); err != nil {
		return
	}
	var req []byte
	buf := make([]byte, 4096)
	for !firstMessage(req).complete {
		n, err := c.Read(buf)
		req = append(req, buf[:n]...)
		if err != nil {
			return
		}
	}
	p.mu.Lock()
	reply := p.reply
	p.state = c.ConnectionState()
	p.mu.Unlock()
	if _, err := c.Write(reply); err == nil {
		p.mu.Lock()
		p.delivered = true
		p.mu.Unlock()
	}
}

// NTSKEClient runs facebook/time's NTS-KE client (ntske.Client.Handshake)
// against the loopback peer answering with data, and checks its verdict and
// result against an independent reading of RFC 8915 section 4 (see
// keClientVerdict):
//   - differential: the client accepts exactly the responses the reading
//     accepts; an accepted result has the negotiated protocol and AEAD, the
//     cookies, server and port of the response's records, in order;
//   - differential: C2S and S2C equal the keys exported from the peer's side
//     of the same TLS session (RFC 8915 5.1).
func NTSKEClient(data []byte) error {
	p, err := sharedKEPeer()
	if err != nil {
		return err
	}
	t, err := sharedKETLS()
	if err != nil {
		return err
	}
	keQueryMu.Lock()
	defer keQueryMu.Unlock()
	p.mu.Lock()
	p.reply, p.state, p.delivered = data, tls.ConnectionState{}, false
	p.mu.Unlock()
	cl := ntske.Client{Timeout: keTimeout}
	res, herr := cl.Handshake(context.Background(), p.ln.Addr().String(), t.client)
	p.mu.Lock()
	state, delivered := p.state, p.delivered
	p.mu.Unlock()
	if !delivered || isTimeout(herr) {
		return nil // the exchange did not complete: nothing to judge
	}
	return checkKEClient(data, cl.SupportedAEAD, res, herr, state)
}

// checkKEClient judges the client's result res (or error herr) for the
// response data; state is the peer's side of the TLS session.
func checkKEClient(data []byte, offered []uint16, res *ntske.HandshakeResult, herr error, state tls.ConnectionState) error {
	if len(data) > 64*1024 {
		return nil // over the client's message cap: rejected by size, not content
	}
	want, why := keClientVerdict(data, offered)
	if want == nil && herr == nil && tolerateCriticalUnknown(why) {
		return nil
	}
	switch {
	case want == nil && herr == nil:
		return harness.Violated("differential", "Handshake", "client accepted a response RFC 8915 rejects: %s", why)
	case want != nil && herr != nil:
		return harness.Violated("differential", "Handshake", "client rejected a valid response: %v", herr)
	case want == nil:
		return nil
	}
	if err := compareKEResult(res, want); err != nil {
		return err
	}
	n := KeyLen(protocol.AEADAlgorithm(res.AEAD))
	for _, k := range []struct {
		name string
		dir  byte
		got  []byte
	}{{"C2S", 0, res.C2S}, {"S2C", 1, res.S2C}} {
		exp, err := exporterKey(state, res.AEAD, k.dir, n)
		if err != nil {
			return err
		}
		if !bytes.Equal(k.got, exp) {
			return harness.Violated("differential", k.name, "client derived %x, TLS exporter %x", k.got, exp)
		}
	}
	return nil
}

func compareKEResult(res, want *ntske.HandshakeResult) error {
	switch {
	case res.NextProtocol != want.NextProtocol:
		return harness.Violated("differential", "NextProtocol", "client %d, records %d", res.NextProtocol, want.NextProtocol)
	case res.AEAD != want.AEAD:
		return harness.Violated("differential", "AEAD", "client %d, records %d", res.AEAD, want.AEAD)
	case res.NTPServer != want.NTPServer:
		return harness.Violated("differential", "NTPServer", "client %q, records %q", res.NTPServer, want.NTPServer)
	case res.NTPPort != want.NTPPort:
		return harness.Violated("differential", "NTPPort", "client %d, records %d", res.NTPPort, want.NTPPort)
	case res.CompliantExport != want.CompliantExport:
		return harness.Violated("differential", "CompliantExport", "client %v, records %v", res.CompliantExport, want.CompliantExport)
	case len(res.Cookies) != len(want.Cookies):
		return harness.Violated("differential", "len(Cookies)", "client %d, records %d", len(res.Cookies), len(want.Cookies))
	}
	for i := range res.Cookies {
		if !bytes.Equal(res.Cookies[i], want.Cookies[i]) {
			return harness.Violated("differential", fmt.Sprintf("Cookies[%d]", i), "client %x, records %x", res.Cookies[i], want.Cookies[i])
		}
	}
	return nil
}

// keClientVerdict reads a server response as RFC 8915 section 4 says a
// client must: the first message only; an Error record, a malformed body,
// an unrecognised critical record, a missing or non-NTPv4 next protocol, a
// missing AEAD or one the client did not offer, or no cookie, rejects it.
// Repeated AEAD or next-protocol records: the last one counts, as in
// facebook/time (the RFC forbids servers to send them but sets no client
// rule). It returns the expected result, or nil and the reason.
func keClientVerdict(data []byte, offered []uint16) (*ntske.HandshakeResult, string) {
	if len(offered) == 0 {
		offered = []uint16{30, 15, 17}
	}
	m := firstMessage(data)
	if !m.complete {
		return nil, "no complete message"
	}
	res := &ntske.HandshakeResult{}
	var sawNext, sawAEAD, sawServer, sawPort bool
	for _, r := range m.recs {
		vals, even := uint16s(r.Body)
		switch r.Type {
		case ntske.RecordError:
			return nil, "error record"
		case ntske.RecordNextProtocol:
			if !even || len(vals) == 0 {
				return nil, "malformed next protocol"
			}
			res.NextProtocol, sawNext = vals[0], true
		case ntske.RecordAEADAlgorithm:
			if !even || len(vals) == 0 {
				return nil, "malformed AEAD"
			}
			res.AEAD, sawAEAD = vals[0], true
		case ntske.RecordNewCookie:
			res.Cookies = append(res.Cookies, r.Body)
		case ntske.RecordCompliant128GCMExport:
			res.CompliantExport = true
		case ntske.RecordServerNegotiation:
			if sawServer || len(r.Body) == 0 {
				return nil, "repeated or empty server negotiation"
			}
			res.NTPServer, sawServer = string(r.Body), true
		case ntske.RecordPortNegotiation:
			if sawPort || !even || len(vals) == 0 {
				return nil, "repeated or malformed port negotiation"
			}
			res.NTPPort, sawPort = vals[0], true
		default:
			if r.Critical && !knownKERecord(r.Type) {
				return nil, fmt.Sprintf("%s %d", criticalUnknown, r.Type)
			}
		}
	}
	switch {
	case !sawNext || res.NextProtocol != ntske.NextProtocolNTPv4:
		return nil, "no NTPv4 next protocol"
	case !sawAEAD || !slices.Contains(offered, res.AEAD):
		return nil, "no offered AEAD"
	case len(res.Cookies) == 0:
		return nil, "no cookie"
	}
	return res, ""
}

// criticalUnknown prefixes the verdict for an unrecognised critical record.
const criticalUnknown = "unrecognised critical record type"

// isTimeout reports whether err is a deadline expiring rather than a verdict.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
