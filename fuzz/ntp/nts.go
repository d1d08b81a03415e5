package ntpfuzz

import (
	"bytes"
	"fmt"

	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// NTS verifies data as an NTS-protected NTP packet (RFC 8915) under the fixed
// keys of keys.go, on both sides:
//   - server side, as facebook/time's responder does: the cookie is opened
//     with the fixed keystore and the request authenticator checked with
//     nts.OpenAuthenticator under the cookie's C2S key over
//     Packet.AssociatedData;
//   - client side: nts.VerifyNTSResponse under the fixed S2C key of every
//     AEAD and the fixed unique identifier.
//
// Oracles, for every packet that verifies:
//   - auth-coverage: flipping any one probed octet of the authenticated
//     region (header and every field before the authenticator) makes
//     verification fail;
//   - invariant: the keys a cookie yields have the AEAD's length; a verified
//     response has the authenticator last, no legacy MAC, the request's
//     unique identifier;
//   - differential: for the deterministic AES-SIV AEADs, sealing the
//     recovered plaintext again gives the ciphertext on the wire.
func NTS(data []byte) error {
	if err := ntsServerSide(data); err != nil {
		return err
	}
	for _, alg := range AEADs {
		if err := ntsClientSide(data, alg); err != nil {
			return err
		}
	}
	return nil
}

// ntsRequest is the outcome of server-side verification.
type ntsRequest struct {
	pkt       *protocol.Packet
	alg       protocol.AEADAlgorithm
	c2s, s2c  []byte
	uid       []byte
	authIdx   int
	plaintext []byte
}

// verifyNTSRequest does what the responder does with an NTS request, up to
// the authenticator check, and returns nil when it does not verify.
func verifyNTSRequest(data []byte) (*ntsRequest, error) {
	pkt, err := protocol.BytesToPacket(data)
	if err != nil {
		return nil, nil
	}
	r := &ntsRequest{pkt: pkt, authIdx: -1}
	var cookie []byte
	for i, ef := range pkt.ExtensionFields {
		switch ef.Type {
		case protocol.UniqueIdentifier:
			if r.uid == nil {
				r.uid = ef.Body
			}
		case protocol.NTSCookie:
			if cookie == nil {
				cookie = ef.Body
			}
		case protocol.NTSAuthenticator:
			r.authIdx = i
		}
		if r.authIdx >= 0 {
			break
		}
	}
	if cookie == nil || r.authIdx < 0 {
		return nil, nil
	}
	ks, err := Keystore()
	if err != nil {
		return nil, err
	}
	r.alg, r.c2s, r.s2c, err = ks.OpenCookie(cookie)
	if err != nil {
		return nil, nil
	}
	if n := KeyLen(r.alg); len(r.c2s) != n || len(r.s2c) != n {
		return nil, harness.Violated("invariant", "OpenCookie", "AEAD %d with %d/%d-octet keys", r.alg, len(r.c2s), len(r.s2c))
	}
	ad, err := pkt.AssociatedData(r.authIdx)
	if err != nil {
		return nil, nil
	}
	aead, err := nts.NewAEAD(r.alg, r.c2s)
	if err != nil {
		return nil, harness.Violated("invariant", "NewAEAD", "cookie AEAD %d rejected: %v", r.alg, err)
	}
	r.plaintext, err = nts.OpenAuthenticator(aead, ad, pkt.ExtensionFields[r.authIdx])
	if err != nil {
		return nil, nil
	}
	if err := resealMatches(aead, r.alg, ad, r.plaintext, pkt.ExtensionFields[r.authIdx]); err != nil {
		return nil, err
	}
	return r, nil
}

func ntsServerSide(data []byte) error {
	r, err := verifyNTSRequest(data)
	if err != nil || r == nil {
		return err
	}
	adLen := protocol.PacketSizeBytes
	for _, ef := range r.pkt.ExtensionFields[:r.authIdx] {
		adLen += ef.EncodedSize()
	}
	return probeCoverage(data, adLen, r.pkt, func(tampered []byte) bool {
		again, err := verifyNTSRequest(tampered)
		return err == nil && again != nil
	})
}

func ntsClientSide(data []byte, alg protocol.AEADAlgorithm) error {
	_, s2c := SessionKeys(alg)
	pkt, cookies, err := nts.VerifyNTSResponse(data, alg, s2c, UniqueID)
	if err != nil {
		return nil
	}
	field := fmt.Sprintf("VerifyNTSResponse(%d)", alg)
	n := len(pkt.ExtensionFields)
	switch {
	case n == 0 || pkt.ExtensionFields[n-1].Type != protocol.NTSAuthenticator:
		return harness.Violated("invariant", field, "verified response does not end with the authenticator: %v", efTypes(pkt.ExtensionFields))
	case pkt.MAC != nil:
		return harness.Violated("invariant", field, "verified response carries a legacy MAC %x", pkt.MAC)
	}
	uidSeen := false
	for _, ef := range pkt.ExtensionFields {
		uidSeen = uidSeen || ef.Type == protocol.UniqueIdentifier && bytes.Equal(ef.Body, UniqueID)
	}
	if !uidSeen {
		return harness.Violated("invariant", field, "verified without the request's unique identifier")
	}
	for i, c := range cookies {
		if c == nil {
			return harness.Violated("invariant", fmt.Sprintf("%s.cookies[%d]", field, i), "nil cookie")
		}
	}
	adLen := len(data) - pkt.ExtensionFields[n-1].EncodedSize()
	return probeCoverage(data, adLen, pkt, func(tampered []byte) bool {
		_, _, err := nts.VerifyNTSResponse(tampered, alg, s2c, UniqueID)
		return err == nil
	})
}

// probeCoverage flips one bit at octets spread over the authenticated
// region data[:adLen] (the header's ends, every extension field's header and
// first body octet, the last octet) and requires each tampered copy to be
// rejected by verifies.
func probeCoverage(data []byte, adLen int, pkt *protocol.Packet, verifies func([]byte) bool) error {
	probes := []int{0, 1, 12, 24, 40, 47}
	off := protocol.PacketSizeBytes
	for _, ef := range pkt.ExtensionFields {
		if off >= adLen {
			break
		}
		probes = append(probes, off, off+3, off+protocol.ExtensionHeaderSize)
		off += ef.EncodedSize()
	}
	probes = append(probes, adLen-1)
	tampered := bytes.Clone(data)
	for _, at := range probes {
		if at < 0 || at >= adLen {
			continue
		}
		tampered[at] ^= 0x01
		ok := verifies(tampered)
		tampered[at] ^= 0x01
		if ok {
			return harness.Violated("auth-coverage", "AssociatedData", "flipping octet %d of %d authenticated octets still verifies", at, adLen)
		}
	}
	return nil
}

// resealMatches checks the deterministic AEADs: sealing the plaintext again
// over the same associated data must give the ciphertext that was opened.
func resealMatches(aead nts.AEAD, alg protocol.AEADAlgorithm, ad, plaintext []byte, auth protocol.ExtensionField) error {
	if alg == protocol.AEADAES128GCMSIV {
		return nil // randomised nonce: nothing to compare
	}
	body, err := nts.ParseAuthenticatorBody(auth.Body)
	if err != nil {
		return harness.Violated("invariant", "ParseAuthenticatorBody", "opened an authenticator that does not parse: %v", err)
	}
	_, ct, err := aead.Seal(ad, plaintext)
	if err != nil {
		return harness.Violated("differential", "Seal", "AEAD %d cannot reseal what it opened: %v", alg, err)
	}
	if !bytes.Equal(ct, body.Ciphertext) {
		return harness.Violated("differential", "Seal", "AEAD %d reseals to %x, wire %x", alg, ct, body.Ciphertext)
	}
	return nil
}
