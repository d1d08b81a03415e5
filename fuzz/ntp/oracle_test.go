package ntpfuzz

import (
	"bytes"
	"crypto/tls"
	"errors"
	"testing"
	"time"

	"github.com/beevik/ntp"
	"github.com/facebook/time/ntp/chrony"
	"github.com/facebook/time/ntp/control"
	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// These tests prove every oracle can fail: each feeds a check an input, or
// an injected wrong implementation, that must violate it, and requires the
// violation to name the right oracle and field (triage's signature).

func wantViolation(t *testing.T, err error, oracle, field string) {
	t.Helper()
	var v *harness.Violation
	if !errors.As(err, &v) {
		t.Fatalf("want oracle %s violated at %s, got %v", oracle, field, err)
	}
	if v.Oracle != oracle || v.Field != field {
		t.Fatalf("want oracle %s at %s, got %s at %s (%s)", oracle, field, v.Oracle, v.Field, v.Detail)
	}
}

func plainRequest(t *testing.T) []byte {
	t.Helper()
	b, err := (&protocol.Packet{Settings: 0x23, Poll: 6, TxTimeSec: 3913056000, TxTimeFrac: 42}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ntsRequestFor(t *testing.T, alg protocol.AEADAlgorithm) []byte {
	t.Helper()
	c2s, _ := SessionKeys(alg)
	cookie, err := SealCookie(alg, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nts.BuildNTSRequest(protocol.Packet{Settings: 0x23, TxTimeSec: 1}, nts.RequestParams{AEAD: alg, C2S: c2s, Cookie: cookie, UniqueID: UniqueID, Placeholders: 1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPacketOracles(t *testing.T) {
	wire := plainRequest(t)
	wantViolation(t, checkReencoded(wire, append([]byte{0x24}, wire[1:]...), nil), "roundtrip", "AssociatedData")
	wantViolation(t, checkReencoded(append(bytes.Clone(wire), 0, 0, 0, 0), wire, nil), "roundtrip", "MAC")
	wantViolation(t, checkMAC(&protocol.Packet{MAC: make([]byte, 7)}), "invariant", "MAC")
	wantViolation(t, checkMAC(&protocol.Packet{MAC: make([]byte, 4), ExtensionFields: []protocol.ExtensionField{nts.NewUniqueIdentifier(UniqueID)}}), "invariant", "MAC")
	wantViolation(t, settingsAgree(true, 0x24), "differential", "ValidSettingsFormat")
	a, b := &protocol.Packet{Stratum: 1}, &protocol.Packet{Stratum: 2}
	wantViolation(t, equalPacket(a, b, false), "roundtrip", "Header")
	b.Stratum, b.ExtensionFields = 1, []protocol.ExtensionField{{Type: 2}}
	wantViolation(t, equalPacket(a, b, false), "roundtrip", "len(ExtensionFields)")
	p := &protocol.Packet{ExtensionFields: []protocol.ExtensionField{{Type: 2, Body: make([]byte, 4)}}}
	full, err := p.AssociatedData(1)
	if err != nil {
		t.Fatal(err)
	}
	full[len(full)-1] ^= 1 // an encoder disagreeing with itself on the field
	wantViolation(t, checkPrefixes(p, full), "roundtrip", "AssociatedData(1)")
}

func TestExtensionFieldOracles(t *testing.T) {
	data := []byte{0x00, 0x02, 0x00, 0x08, 1, 2, 3, 4}
	wantViolation(t, checkParsedEFs(data, []protocol.ExtensionField{{Type: 2, Body: []byte{1, 2, 3, 5}}}), "roundtrip", "AssociatedData")
	wantViolation(t, checkParsedEFs(data, []protocol.ExtensionField{{Type: 2, Body: []byte{1, 2, 3, 4}}, {Type: 2}}), "invariant", "EncodedSize")
	reserved := []byte{0xf0, 0x00, 0x00, 0x04}
	if err := checkParsedEFs(reserved, []protocol.ExtensionField{{Type: 0xf000, Body: []byte{}}}); err != nil {
		t.Fatalf("a reserved field the strict encoder refuses is tolerated: %v", err)
	}
}

// brokenGopacket is gopacket's decoder with an injected stratum bug.
func brokenGopacket(wire []byte) (ntpHeader, bool) {
	h, ok := gopacketHeader(wire)
	h.Stratum++
	return h, ok
}

func TestDifferentialOracles(t *testing.T) {
	reply := plainRequest(t)
	reply[0] = 0x24
	wantViolation(t, differential(reply, facebookHeader, brokenGopacket), "differential", "Stratum")
	refuses := func([]byte) (ntpHeader, bool) { return ntpHeader{}, false }
	wantViolation(t, differential(reply, facebookHeader, refuses), "differential", "Accept")
	h, _ := facebookHeader(reply)
	r := &ntp.Response{Version: 4, Poll: time.Second, Precision: time.Second, ReferenceTime: protocol.Unix(0, 0)}
	h.Poll = 6
	wantViolation(t, compareBeevik(h, r), "differential", "Poll")
	h.Poll, h.Stratum = 0, 3
	wantViolation(t, compareBeevik(h, r), "differential", "Stratum")
}

func TestClientOracles(t *testing.T) {
	wire := plainRequest(t)
	wire[0] = 0x24
	validate := (*ntp.Response).Validate
	wantViolation(t, checkResponse(&ntp.Response{Version: 3}, wire, validate), "invariant", "Version")
	wantViolation(t, checkResponse(&ntp.Response{Version: 4, Stratum: 9}, wire, validate), "invariant", "Stratum")
	if err := checkResponse(&ntp.Response{Version: 4}, wire, validate); err != nil {
		t.Fatalf("a kiss-o'-death response rejected by Validate violates: %v", err)
	}
	acceptsAll := func(*ntp.Response) error { return nil }
	wantViolation(t, checkResponse(&ntp.Response{Version: 4}, wire, acceptsAll), "invariant", "Validate")
}

func TestChronyOracles(t *testing.T) {
	seeds, err := harness.LoadCorpus("chrony")
	if err != nil {
		t.Fatal(err)
	}
	var tracking, failed []byte
	for _, s := range seeds {
		if len(s.Data) >= 104 && s.Data[7] == 5 && s.Data[9] == 0 {
			tracking = s.Data
		}
		if len(s.Data) >= 10 && s.Data[9] == 1 {
			failed = s.Data
		}
	}
	if tracking == nil || failed == nil {
		t.Fatal("corpus/chrony lacks a tracking or a failed-status reply")
	}
	// A decoder with a wrong float conversion.
	wrongFloat := func(c *chrony.Client, r chrony.RequestPacket) (chrony.ResponsePacket, error) {
		resp, err := c.Communicate(r)
		if tr, ok := resp.(*chrony.ReplyTracking); ok {
			tr.FreqPPM *= 2
			tr.FreqPPM++
		}
		return resp, err
	}
	wantViolation(t, chronyCheck(tracking, wrongFloat), "differential", "Tracking.FreqPPM")
	// A decoder that ignores the status.
	ignoresStatus := func(c *chrony.Client, r chrony.RequestPacket) (chrony.ResponsePacket, error) {
		return &chrony.ReplyTracking{}, nil
	}
	wantViolation(t, chronyCheck(failed, ignoresStatus), "invariant", "Status")
}

func TestControlOracles(t *testing.T) {
	// Unfragmented, Count covering one of two entries: GetAssociations
	// follows Count and drops the second.
	msg := &control.NTPControlMsg{NTPControlMsgHead: control.NTPControlMsgHead{REMOp: 0x81, Count: 4}, Data: []byte{0, 1, 0x96, 0x1a, 0, 2, 0x94, 0x1a}}
	wantViolation(t, checkAssociations(msg, false), "differential", "GetAssociations")
	wantViolation(t, checkVariables(map[string]string{"a,b": "1"}, []byte("x")), "invariant", "NormalizeData")
	wantViolation(t, checkVariables(map[string]string{"a": "1", "b": "2"}, []byte("a=1")), "invariant", "NormalizeData")
}

func TestNTSOracles(t *testing.T) {
	req := ntsRequestFor(t, protocol.AEADAESSIVCMAC256)
	p, err := protocol.BytesToPacket(req)
	if err != nil {
		t.Fatal(err)
	}
	alwaysVerifies := func([]byte) bool { return true }
	wantViolation(t, probeCoverage(req, len(req)-p.ExtensionFields[len(p.ExtensionFields)-1].EncodedSize(), p, alwaysVerifies), "auth-coverage", "AssociatedData")
	// Reseal against a tampered ciphertext.
	c2s, _ := SessionKeys(protocol.AEADAESSIVCMAC256)
	aead, err := nts.NewAEAD(protocol.AEADAESSIVCMAC256, c2s)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := nts.SealAuthenticator(aead, []byte("ad"), []byte("plaintext"))
	if err != nil {
		t.Fatal(err)
	}
	auth.Body[4] ^= 1 // first ciphertext octet (SIV: no nonce)
	wantViolation(t, resealMatches(aead, protocol.AEADAESSIVCMAC256, []byte("ad"), []byte("plaintext"), auth), "differential", "Seal")
}

func TestResponderOracles(t *testing.T) {
	req := plainRequest(t)
	wantViolation(t, checkResponder([]byte{1, 2, 3}, req, outResponse), "invariant", "Response")
	wantViolation(t, checkResponder(req, nil, outInvalidFormat), "invariant", "Response")
	answer := bytes.Clone(req)
	answer[0] = 0x24
	wantViolation(t, checkResponder(req, answer, outResponse), "invariant", "Response.OrigTime")
	ntsReq := ntsRequestFor(t, protocol.AEADAES128GCMSIV)
	tampered := bytes.Clone(ntsReq)
	tampered[len(tampered)-1] ^= 1
	p, _ := protocol.BytesToPacket(ntsReq)
	ok := make([]byte, 48)
	ok[0] = 0x24
	copy(ok[24:32], ntsReq[40:48])
	wantViolation(t, checkResponder(tampered, ok, outResponse), "auth-bypass", "NTSAuthenticator")
	ok[2] = byte(p.Poll)
	wantViolation(t, checkResponder(ntsReq, ok, outResponse), "nts-response", "VerifyNTSResponse")
}

func TestNTSKEOracles(t *testing.T) {
	data, err := ntske.MarshalRecords([]ntske.Record{ntske.NewNextProtocol(0), ntske.NewEndOfMessage()})
	if err != nil {
		t.Fatal(err)
	}
	wantViolation(t, checkRecords(data, []ntske.Record{ntske.NewNextProtocol(1), ntske.NewEndOfMessage()}), "roundtrip", "MarshalRecords")

	cookie, err := SealCookie(protocol.AEADAES128GCMSIV, 1)
	if err != nil {
		t.Fatal(err)
	}
	valid, err := ntske.MarshalRecords([]ntske.Record{ntske.NewNextProtocol(0), ntske.NewAEADAlgorithm(30), ntske.NewCookie(cookie), ntske.NewEndOfMessage()})
	if err != nil {
		t.Fatal(err)
	}
	wantViolation(t, checkKEClient(valid, nil, nil, errors.New("injected refusal"), tlsStateNone), "differential", "Handshake")
	errResp, _ := ntske.MarshalRecords([]ntske.Record{ntske.NewError(1), ntske.NewEndOfMessage()})
	wantViolation(t, checkKEClient(errResp, nil, &ntske.HandshakeResult{}, nil, tlsStateNone), "differential", "Handshake")
	want, _ := keClientVerdict(valid, nil)
	got := *want
	got.Cookies = [][]byte{[]byte("other")}
	wantViolation(t, compareKEResult(&got, want), "differential", "Cookies[0]")
	if _, why := keClientVerdict(append([]byte{0xc0, 0x00, 0x00, 0x00}, valid...), nil); why == "" {
		t.Fatal("an unknown critical record passes the RFC 8915 reading")
	}

	// Server side: a real exchange, then tampered responses.
	addr, err := sharedKEServer()
	if err != nil {
		t.Fatal(err)
	}
	tlsMat, err := sharedKETLS()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := ntske.MarshalRecords([]ntske.Record{ntske.NewNextProtocol(0), ntske.NewAEADAlgorithm(30), ntske.NewEndOfMessage()})
	resp, state, err := keExchange(addr, tlsMat.client, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkKEServerResponse(req, resp, state); err != nil {
		t.Fatalf("a real exchange violates an oracle: %v", err)
	}
	wantViolation(t, checkKEServerResponse(req[:len(req)-4], resp, state), "differential", "Response")
	wantViolation(t, checkKEServerResponse(req, errResp, state), "differential", "Error")
	forged, _ := ntske.MarshalRecords([]ntske.Record{ntske.NewNextProtocol(0), ntske.NewAEADAlgorithm(30), ntske.NewCookie(cookie), ntske.NewCookie(cookie), ntske.NewEndOfMessage()})
	wantViolation(t, checkKEServerResponse(req, forged, state), "cookie-keys", "Records[2]")
}

func TestStructuredOracles(t *testing.T) {
	req := ntsRequestFor(t, protocol.AEADAES128GCMSIV)
	if err := checkBuiltRequest(req, protocol.AEADAES128GCMSIV, UniqueID); err != nil {
		t.Fatalf("a built request fails: %v", err)
	}
	req[len(req)-1] ^= 1
	wantViolation(t, checkBuiltRequest(req, protocol.AEADAES128GCMSIV, UniqueID), "nts-roundtrip", "NTSAuthenticator")
}

// tlsStateNone stands for a session whose keys are never reached.
var tlsStateNone = tls.ConnectionState{}

// A legacy MAC is read, never sent: checkMACTrailer holds the parse of a
// MAC-carrying packet to RFC 5905 and to the library's documented split.
func TestStructuredMACTrailerOracle(t *testing.T) {
	// The inputs of crashers/fuzz-ntp.FuzzNTPStructured/41909882640a (a
	// 16-octet field plus a crypto-NAK, read whole as one MD5 MAC) and
	// .../9c27697b5537 (a SHA-1 MAC with key identifier 0x04040028,
	// refused as an NTS Authenticator header): false positives before.
	for _, in := range [][]byte{[]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe9\x00\x8b?^r\x92\x95\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00]\x00\x00\x00\x00\x00\x00"), []byte("\x00A\x00\x191\x1b\xd1\xa5\xda\xe8NY\xb2\xf8=Y\xc1\x02\x00u\xe2R\xcc/\xa3\x12\xb7\x00t\x1f\xb3#\x81\x0eT\xb9\xa0%Z%\xf4+\x13&\x96RH\xff\xc9x\xe6\x04\x04\x00(\x00\x00\x00A\x00\x191\x1b\xd1\xa5\xda\xe8\xe0\x86\x12\xb7\x00t\x1f\xb3\x81\x0eT\xb9\xa4%Z%\xf4+\x13&\x96RBBBB$\xfaTq\x16\xf9\xb8\xf5pb\x1e9\x9b\xf5)\xad\xb9\x9cB\xc8Y\x1d'^c`?\xd2\xf6\x13\x02\xa7d6\x04\x89U\xbc\xd0\xf1]\x93\x87\x17_F\x00\x19\xab\x8e\xcb\x98`\xef")} {
		if err := Structured(in); err != nil {
			t.Fatalf("Structured(%x) = %v", in, err)
		}
	}
	p := &protocol.Packet{Settings: 0x24, Stratum: 2, TxTimeSec: 3913056000}
	wire, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	md5 := append([]byte{0, 0, 0, 7}, bytes.Repeat([]byte{0xa5}, 16)...)
	if err := checkMACTrailer(p, append(bytes.Clone(wire), md5...), md5); err != nil {
		t.Fatalf("header plus an MD5 MAC: %v", err)
	}
	ntsKeyID := append([]byte{4, 4, 0, 40}, bytes.Repeat([]byte{0xa5}, 16)...)
	if err := checkMACTrailer(p, append(bytes.Clone(wire), ntsKeyID...), ntsKeyID); err != nil {
		t.Fatalf("a MAC whose key identifier names an NTS field may be refused: %v", err)
	}
	odd := make([]byte, 7) // no MAC shape: refused, and the oracle says so
	wantViolation(t, checkMACTrailer(p, append(bytes.Clone(wire), odd...), odd), "roundtrip", "MAC")
	other := *p
	other.Stratum = 3
	wantViolation(t, checkMACTrailer(&other, append(bytes.Clone(wire), md5...), md5), "roundtrip", "Header")
	t.Cleanup(func() { parseReceived = protocol.BytesToPacket })
	parseReceived = func(b []byte) (*protocol.Packet, error) {
		q, err := protocol.BytesToPacket(b)
		if err == nil {
			q.MAC = q.MAC[:len(q.MAC)-1]
		}
		return q, err
	}
	wantViolation(t, checkMACTrailer(p, append(bytes.Clone(wire), md5...), md5), "roundtrip", "Trailer")
}

// Every decoder of the differential sees every input: a reply shorter than
// a header, which beevik/ntp and facebook/time reject, still reaches
// gopacket, and the other way round.
func TestDifferentialGivesEveryDecoderEveryInput(t *testing.T) {
	short := plainRequest(t)[:20]
	var fbSeen, gpSeen [][]byte
	fb := func(w []byte) (ntpHeader, bool) { fbSeen = append(fbSeen, w); return facebookHeader(w) }
	gp := func(w []byte) (ntpHeader, bool) { gpSeen = append(gpSeen, w); return gopacketHeader(w) }
	if err := differential(short, fb, gp); err != nil {
		t.Fatal(err)
	}
	if len(fbSeen) != 1 || len(gpSeen) != 1 || len(fbSeen[0]) != 20 || len(gpSeen[0]) != 20 {
		t.Fatalf("facebook/time decoded %d inputs, gopacket %d; want the 20-octet one each", len(fbSeen), len(gpSeen))
	}
	// A gopacket that accepts what facebook/time rejects is reported.
	lenient := func(w []byte) (ntpHeader, bool) { return ntpHeader{}, true }
	wantViolation(t, differential(short, facebookHeader, lenient), "differential", "Accept")
	// Too long for one datagram: beevik/ntp never receives it, the
	// decoders still do.
	fbSeen, gpSeen = nil, nil
	long := append(plainRequest(t), make([]byte, maxPeerReply)...)
	_ = differential(long, fb, gp)
	if len(fbSeen) != 1 || len(gpSeen) != 1 {
		t.Fatalf("an input over maxPeerReply reached facebook/time %d times, gopacket %d", len(fbSeen), len(gpSeen))
	}
}
