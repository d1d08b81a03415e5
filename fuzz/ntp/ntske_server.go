package ntpfuzz

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// keServerCookies is how many cookies the in-process NTS-KE server issues.
const keServerCookies = 2

var (
	keServerOnce sync.Once
	keServerAddr string
	keServerErr  error
)

// sharedKEServer starts facebook/time's NTS-KE server (ntske.Server) on
// 127.0.0.1 with the fixed keystore, once per process, and waits until it
// accepts connections.
func sharedKEServer() (string, error) {
	keServerOnce.Do(func() {
		t, err := sharedKETLS()
		if err != nil {
			keServerErr = err
			return
		}
		ks, err := Keystore()
		if err != nil {
			keServerErr = err
			return
		}
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			keServerErr = fmt.Errorf("ntpfuzz: find a port for the NTS-KE server: %w", err)
			return
		}
		addr := l.Addr().String()
		l.Close()
		srv := &ntske.Server{TLSConfig: t.server, Keystore: ks, Cookies: keServerCookies, HandshakeTimeout: keTimeout}
		go func() { _ = srv.ListenAndServe(context.Background(), addr) }()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if c, err := net.Dial("tcp4", addr); err == nil {
				c.Close()
				keServerAddr = addr
				return
			}
		}
		keServerErr = fmt.Errorf("ntpfuzz: NTS-KE server on %s did not start within 10 s", addr)
	})
	return keServerAddr, keServerErr
}

// NTSKEServer sends data as an NTS-KE request to facebook/time's NTS-KE
// server over TLS 1.3 on loopback and checks the response against an
// independent reading of RFC 8915 section 4 (see keServerVerdict):
//   - differential: the server answers with an Error record exactly when the
//     reading rejects the request, with the same error code; it answers
//     nothing to an incomplete message;
//   - invariant: a success carries NTPv4, the client's first supported AEAD,
//     the compliant-export echo only when asked for with AES-128-GCM-SIV, the
//     configured number of cookies and one End of Message, last;
//   - cookie-keys: every cookie opens with the server's keystore to the
//     negotiated AEAD and to the C2S/S2C keys the client exports from the
//     same TLS session.
func NTSKEServer(data []byte) error {
	if len(data) > 64*1024 {
		return nil // over the server's message cap: dropped by size
	}
	addr, err := sharedKEServer()
	if err != nil {
		return err
	}
	t, err := sharedKETLS()
	if err != nil {
		return err
	}
	resp, state, err := keExchange(addr, t.client, data)
	if err != nil {
		return nil // the transport failed (deadline), nothing to judge
	}
	return checkKEServerResponse(data, resp, state)
}

func keExchange(addr string, conf *tls.Config, req []byte) ([]byte, tls.ConnectionState, error) {
	d := &net.Dialer{Timeout: keTimeout}
	c, err := tls.DialWithDialer(d, "tcp4", addr, conf)
	if err != nil {
		return nil, tls.ConnectionState{}, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(keTimeout))
	if _, err := c.Write(req); err != nil {
		return nil, tls.ConnectionState{}, err
	}
	if err := c.CloseWrite(); err != nil {
		return nil, tls.ConnectionState{}, err
	}
	resp, err := io.ReadAll(c)
	if err != nil {
		return nil, tls.ConnectionState{}, err
	}
	return resp, c.ConnectionState(), nil
}

// keVerdict is what RFC 8915 says a server does with a request.
type keVerdict struct {
	respond   bool   // false: the message never completes, nothing is sent
	errCode   int    // -1 for success
	aead      uint16 // negotiated on success
	compliant bool   // echo the compliant-export record
}

// keServerVerdict reads a request as RFC 8915 section 4.1 describes, with
// facebook/time's supported AEADs (30, 15, 17): records up to End of
// Message, in order; a repeated next-protocol or AEAD record, an odd-length
// one, or an unrecognised critical record is an error where it occurs (code
// 1 for bad request, 0 for the critical record); then NTPv4 must be offered
// and an AEAD list given that names a supported algorithm (first match in
// client order wins).
func keServerVerdict(data []byte) keVerdict {
	m := firstMessage(data)
	if !m.complete {
		return keVerdict{}
	}
	v := keVerdict{respond: true, errCode: 1}
	var sawNext, sawAEAD, ntpv4 bool
	var offered []uint16
	for _, r := range m.recs {
		vals, even := uint16s(r.Body)
		switch r.Type {
		case ntske.RecordNextProtocol:
			if sawNext || !even {
				return v
			}
			sawNext, ntpv4 = true, slices.Contains(vals, ntske.NextProtocolNTPv4)
		case ntske.RecordAEADAlgorithm:
			if sawAEAD || !even {
				return v
			}
			sawAEAD, offered = true, vals
		case ntske.RecordCompliant128GCMExport:
			v.compliant = true
		case ntske.RecordEndOfMessage, ntske.RecordError, ntske.RecordWarning, ntske.RecordNewCookie,
			ntske.RecordServerNegotiation, ntske.RecordPortNegotiation:
		default:
			if r.Critical {
				v.errCode = 0
				return v
			}
		}
	}
	if !sawNext || !ntpv4 || !sawAEAD || len(offered) == 0 {
		return v
	}
	for _, a := range offered {
		if KeyLen(protocol.AEADAlgorithm(a)) > 0 {
			v.errCode, v.aead = -1, a
			v.compliant = v.compliant && a == uint16(protocol.AEADAES128GCMSIV)
			return v
		}
	}
	return v
}

func checkKEServerResponse(req, resp []byte, state tls.ConnectionState) error {
	want := keServerVerdict(req)
	if !want.respond {
		if len(resp) != 0 {
			return harness.Violated("differential", "Response", "answered an incomplete request with %x", resp)
		}
		return nil
	}
	recs, err := ntske.Parse(resp)
	if err != nil || len(recs) == 0 || recs[len(recs)-1].Type != ntske.RecordEndOfMessage {
		return harness.Violated("invariant", "Response", "response %x does not parse to records ending in End of Message (%v)", resp, err)
	}
	recs = recs[:len(recs)-1]
	if want.errCode >= 0 {
		if len(recs) != 1 || recs[0].Type != ntske.RecordError || !recs[0].Critical || !bytes.Equal(recs[0].Body, []byte{0, byte(want.errCode)}) {
			return harness.Violated("differential", "Error", "RFC 8915 reading expects error %d, server sent %+v", want.errCode, recs)
		}
		return nil
	}
	if len(recs) > 0 && recs[0].Type == ntske.RecordError {
		return harness.Violated("differential", "Error", "RFC 8915 reading accepts the request (AEAD %d), server sent error %x", want.aead, recs[0].Body)
	}
	expect := []uint16{ntske.RecordNextProtocol, ntske.RecordAEADAlgorithm}
	if want.compliant {
		expect = append(expect, ntske.RecordCompliant128GCMExport)
	}
	for range keServerCookies {
		expect = append(expect, ntske.RecordNewCookie)
	}
	if len(recs) != len(expect) {
		return harness.Violated("invariant", "Records", "expected record types %v, got %+v", expect, recs)
	}
	for i, r := range recs {
		if r.Type != expect[i] || r.Type == ntske.RecordEndOfMessage {
			return harness.Violated("invariant", fmt.Sprintf("Records[%d]", i), "type %d, expected %d", r.Type, expect[i])
		}
	}
	if !bytes.Equal(recs[0].Body, []byte{0, 0}) {
		return harness.Violated("invariant", "NextProtocol", "body %x, expected NTPv4", recs[0].Body)
	}
	if vals, _ := uint16s(recs[1].Body); len(vals) != 1 || vals[0] != want.aead {
		return harness.Violated("differential", "AEAD", "server chose %x, client's first supported is %d", recs[1].Body, want.aead)
	}
	return checkKECookies(recs, want.aead, state)
}

func checkKECookies(recs []ntske.Record, aead uint16, state tls.ConnectionState) error {
	ks, err := Keystore()
	if err != nil {
		return err
	}
	n := KeyLen(protocol.AEADAlgorithm(aead))
	c2s, err := exporterKey(state, aead, 0, n)
	if err != nil {
		return err
	}
	s2c, err := exporterKey(state, aead, 1, n)
	if err != nil {
		return err
	}
	for i, r := range recs {
		if r.Type != ntske.RecordNewCookie {
			continue
		}
		alg, gc2s, gs2c, err := ks.OpenCookie(r.Body)
		switch {
		case err != nil:
			return harness.Violated("cookie-keys", fmt.Sprintf("Records[%d]", i), "issued cookie does not open: %v", err)
		case uint16(alg) != aead:
			return harness.Violated("cookie-keys", fmt.Sprintf("Records[%d]", i), "cookie AEAD %d, negotiated %d", alg, aead)
		case !bytes.Equal(gc2s, c2s) || !bytes.Equal(gs2c, s2c):
			return harness.Violated("cookie-keys", fmt.Sprintf("Records[%d]", i), "cookie keys differ from the TLS exporter's")
		}
	}
	return nil
}
