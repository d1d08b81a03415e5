package main

import (
	"bytes"
	"fmt"

	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"

	ntpfuzz "github.com/daemonfuzz/daemonfuzz/fuzz/ntp"
	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// ntsSeeds builds NTS-protected requests (RFC 8915 5.7) as a client sends
// them after NTS-KE, and responses as a server answers them, for every AEAD,
// plus the malformed shapes a server must reject.
func ntsSeeds() ([]seed, error) {
	var out []seed
	add := func(what string, b []byte) {
		out = append(out, seed{"ntp", corpus.KindHandmade, src + ": " + what, b})
	}
	for i, alg := range ntpfuzz.AEADs {
		c2s, s2c := ntpfuzz.SessionKeys(alg)
		cookie, err := ntpfuzz.SealCookie(alg, byte(i+1))
		if err != nil {
			return nil, err
		}
		for _, ph := range []int{0, 1, 7} {
			req, err := nts.BuildNTSRequest(protocol.Packet{Settings: 0x23, TxTimeSec: t0Sec, TxTimeFrac: t0Frac}, nts.RequestParams{
				AEAD: alg, C2S: c2s, Cookie: cookie, UniqueID: ntpfuzz.UniqueID, Placeholders: ph,
			})
			if err != nil {
				return nil, fmt.Errorf("NTS request aead %d: %w", alg, err)
			}
			add(fmt.Sprintf("NTS request, AEAD %d, %d placeholders, cookie sealed by the fixed keystore", alg, ph), req)
			if ph == 1 {
				bad := bytes.Clone(req)
				bad[len(bad)-1] ^= 0x80
				add(fmt.Sprintf("NTS request, AEAD %d, authenticator tampered", alg), bad)
				add(fmt.Sprintf("NTS request, AEAD %d, with a trailing MD5-sized MAC", alg), cat(req, u32(1), bytes.Repeat([]byte{0x33}, 16)))
			}
		}
		resp, err := ntsResponse(alg, s2c, [][]byte{cookie, cookie})
		if err != nil {
			return nil, err
		}
		add(fmt.Sprintf("NTS response, AEAD %d, two fresh cookies", alg), resp)
	}
	// Malformed requests: order, short unique identifier, unknown key id.
	alg := protocol.AEADAES128GCMSIV
	cookie, err := ntpfuzz.SealCookie(alg, 9)
	if err != nil {
		return nil, err
	}
	p := protocol.Packet{Settings: 0x23, TxTimeSec: t0Sec}
	p.ExtensionFields = []protocol.ExtensionField{nts.NewCookie(cookie), nts.NewUniqueIdentifier(ntpfuzz.UniqueID)}
	add("NTS request with cookie before unique identifier", mustBytes(p))
	p.ExtensionFields = []protocol.ExtensionField{nts.NewUniqueIdentifier(ntpfuzz.UniqueID[:16]), nts.NewCookie(cookie)}
	add("NTS request with a 16-octet unique identifier", mustBytes(p))
	unknown := bytes.Clone(cookie)
	unknown[3] = 9
	p.ExtensionFields = []protocol.ExtensionField{nts.NewUniqueIdentifier(ntpfuzz.UniqueID), nts.NewCookie(unknown), nts.NewCookiePlaceholder(len(cookie))}
	add("NTS request with a cookie under an unknown key id, no authenticator", mustBytes(p))
	return out, nil
}

// ntsResponse seals an NTS response the way facebook/time's responder does:
// the echoed unique identifier in the clear, fresh cookies encrypted in the
// authenticator under S2C.
func ntsResponse(alg protocol.AEADAlgorithm, s2c []byte, cookies [][]byte) ([]byte, error) {
	resp := header(0, 4, 4, 1, 6, -20, ascii("NTS\x00"))
	resp.ExtensionFields = []protocol.ExtensionField{nts.NewUniqueIdentifier(ntpfuzz.UniqueID)}
	ad, err := resp.AssociatedData(1)
	if err != nil {
		return nil, err
	}
	var efs []protocol.ExtensionField
	for _, c := range cookies {
		efs = append(efs, nts.NewCookie(c))
	}
	enc, err := protocol.MarshalExtensionFields(efs)
	if err != nil {
		return nil, err
	}
	aead, err := nts.NewAEAD(alg, s2c)
	if err != nil {
		return nil, err
	}
	auth, err := nts.SealAuthenticator(aead, ad, enc)
	if err != nil {
		return nil, err
	}
	resp.ExtensionFields = append(resp.ExtensionFields, auth)
	return resp.Bytes()
}

// efSeeds are bare extension field lists for FuzzExtensionFields.
func efSeeds() ([]seed, error) {
	var out []seed
	add := func(what string, b []byte) {
		out = append(out, seed{"ntp-ef", corpus.KindHandmade, src + ": " + what, b})
	}
	cookie, err := ntpfuzz.SealCookie(protocol.AEADAESSIVCMAC256, 5)
	if err != nil {
		return nil, err
	}
	enc := func(efs ...protocol.ExtensionField) []byte {
		b, err := protocol.MarshalExtensionFields(efs)
		if err != nil {
			panic(err)
		}
		return b
	}
	add("unique identifier", enc(nts.NewUniqueIdentifier(ntpfuzz.UniqueID)))
	add("unique identifier, cookie, placeholder", enc(nts.NewUniqueIdentifier(ntpfuzz.UniqueID), nts.NewCookie(cookie), nts.NewCookiePlaceholder(len(cookie))))
	body, err := nts.MarshalAuthenticatorBody(bytes.Repeat([]byte{7}, 12), bytes.Repeat([]byte{8}, 35))
	if err != nil {
		return nil, err
	}
	add("authenticator with 12-octet nonce and 35-octet ciphertext", enc(protocol.ExtensionField{Type: protocol.NTSAuthenticator, Body: body}))
	add("minimum 4-octet field", []byte{0x00, 0x02, 0x00, 0x04})
	add("reserved-range type 0xF000", []byte{0xF0, 0x00, 0x00, 0x08, 1, 2, 3, 4})
	add("two NTPv5-style fields (draft id, server info)", cat(u16(0xf5ff), u16(28), []byte("draft-ietf-ntp-ntpv5-09\x00"), u16(0xf501), u16(8), u32(0)))
	return out, nil
}
