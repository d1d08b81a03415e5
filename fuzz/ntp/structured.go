package ntpfuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// Structured builds NTP packets from data with go-fuzz-headers, serialises
// them with facebook/time and parses them back:
//   - roundtrip: a plain packet (header, extension fields of any type and
//     length) parses back to the same header and fields (bodies in normal
//     form: zero-padded to 4 octets); with a legacy MAC appended on the
//     wire, see checkMACTrailer;
//   - nts-roundtrip: an NTS request built by nts.BuildNTSRequest with a
//     cookie from the fixed keystore verifies on the server side, and an NTS
//     response sealed over fuzzed cookies verifies with
//     nts.VerifyNTSResponse, yielding exactly those cookies.
func Structured(data []byte) error {
	c := fuzz.NewConsumer(data)
	kind, err := c.GetByte()
	if err != nil {
		return nil
	}
	switch kind % 3 {
	case 0:
		return structuredPlain(c)
	case 1:
		return structuredNTSRequest(c)
	default:
		return structuredNTSResponse(c)
	}
}

func consumeHeader(c *fuzz.ConsumeFuzzer) (protocol.Packet, error) {
	var h header
	if err := c.GenerateStruct(&h); err != nil {
		return protocol.Packet{}, err
	}
	return protocol.Packet{
		Settings: h.Settings, Stratum: h.Stratum, Poll: h.Poll, Precision: h.Precision,
		RootDelay: h.RootDelay, RootDispersion: h.RootDispersion, ReferenceID: h.ReferenceID,
		RefTimeSec: h.RefTimeSec, RefTimeFrac: h.RefTimeFrac, OrigTimeSec: h.OrigTimeSec, OrigTimeFrac: h.OrigTimeFrac,
		RxTimeSec: h.RxTimeSec, RxTimeFrac: h.RxTimeFrac, TxTimeSec: h.TxTimeSec, TxTimeFrac: h.TxTimeFrac,
	}, nil
}

// efTypeChoices biases field types towards the NTS ones.
var efTypeChoices = []protocol.ExtensionFieldType{
	protocol.UniqueIdentifier, protocol.NTSCookie, protocol.NTSCookiePlaceholder, protocol.NTSAuthenticator, 0x0002, 0x2005,
}

func consumeEFs(c *fuzz.ConsumeFuzzer) ([]protocol.ExtensionField, error) {
	n, err := c.GetByte()
	if err != nil {
		return nil, err
	}
	var efs []protocol.ExtensionField
	for range n % 8 {
		t, err := c.GetUint16()
		if err != nil {
			return efs, nil
		}
		typ := protocol.ExtensionFieldType(t)
		if int(t%16) < len(efTypeChoices) {
			typ = efTypeChoices[t%16]
		}
		body, err := c.GetBytes()
		if err != nil {
			return efs, nil
		}
		efs = append(efs, protocol.ExtensionField{Type: typ, Body: body})
	}
	return efs, nil
}

func structuredPlain(c *fuzz.ConsumeFuzzer) error {
	p, err := consumeHeader(c)
	if err != nil {
		return nil
	}
	if p.ExtensionFields, err = consumeEFs(c); err != nil {
		return nil
	}
	wire, err := p.Bytes()
	if err != nil {
		return nil // reserved type or oversized body: refused to originate
	}
	q, err := protocol.BytesToPacket(wire)
	if err != nil {
		return harness.Violated("roundtrip", "BytesToPacket", "serialised packet does not parse: %v (wire %x)", err, wire)
	}
	want := p
	want.ExtensionFields = make([]protocol.ExtensionField, len(p.ExtensionFields))
	for i, ef := range p.ExtensionFields {
		want.ExtensionFields[i] = protocol.ExtensionField{Type: ef.Type, Body: padBody(ef.Body)}
	}
	if err := equalPacket(&want, q, true); err != nil {
		var v *harness.Violation
		if errors.As(err, &v) {
			v.Detail += fmt.Sprintf(" (wire %x)", wire)
		}
		return err
	}
	macKind, err := c.GetByte()
	if err != nil || protocol.HasNTSField(p.ExtensionFields) {
		return nil
	}
	if mac := consumeMAC(c, macKind); mac != nil {
		return checkMACTrailer(&want, append(wire, mac...), mac)
	}
	return nil
}

// checkMACTrailer is the oracle for a packet the library receives but never
// sends: want's header and fields (as Bytes writes them) followed by an RFC
// 5905 legacy MAC. Packet.Bytes drops the MAC ("this package never sends
// one"), so this is no round trip of the library's output; what RFC 5905
// and the library's documented reading fix is checked, nothing more:
//   - a packet of header and MAC alone (RFC 5905's shape, unambiguous)
//     parses, except that a MAC whose key identifier's high 16 bits name an
//     NTS field type (0x0104-0x0404) may be refused: protocol.splitTrailer
//     refuses to read NTS octets as an opaque MAC, its deliberate
//     anti-downgrade rule (a mangled NTS request must not be answered in
//     plain NTP);
//   - whatever parses accounts for every octet: the header is want's, and
//     the fields as serialised followed by the MAC read are the trailer
//     sent ("roundtrip" at "Trailer"). How fields and MAC are split is not
//     checked when the packet carries fields: the library frames them as
//     RFC 8915 does (fields of 4 octets and up) rather than RFC 7822 7.5.1.4
//     (16 and up, 28 for a MAC-less packet's last field), so a MAC can frame
//     as fields and fields plus a MAC can add up to a MAC's length, and its
//     own split of such a trailer is as valid as any;
//   - the same holds for a packet with fields that the library refuses.
func checkMACTrailer(want *protocol.Packet, wire, mac []byte) error {
	q, err := parseReceived(wire)
	if err != nil {
		if len(want.ExtensionFields) > 0 || namesNTSType(mac) {
			return nil
		}
		return harness.Violated("roundtrip", "MAC", "header plus a %d-octet MAC does not parse: %v (wire %x)", len(mac), err, wire)
	}
	if ha, hb := headerOf(want), headerOf(q); ha != hb {
		return harness.Violated("roundtrip", "Header", "%+v != %+v (wire %x)", ha, hb, wire)
	}
	// Framed by hand: MarshalExtensionFields refuses reserved types, which
	// a MAC's octets can spell.
	var fields []byte
	for _, ef := range q.ExtensionFields {
		fields = binary.BigEndian.AppendUint16(fields, uint16(ef.Type))
		fields = binary.BigEndian.AppendUint16(fields, uint16(4+len(ef.Body)))
		fields = append(fields, ef.Body...)
	}
	if got := append(fields, q.MAC...); !bytes.Equal(got, wire[protocol.PacketSizeBytes:]) {
		return harness.Violated("roundtrip", "Trailer", "fields and MAC read (%x, MAC %x) are not the trailer sent (wire %x)", fields, q.MAC, wire)
	}
	return nil
}

// parseReceived is the parser checkMACTrailer holds to its contract;
// oracle tests replace it with a deliberately wrong one.
var parseReceived = protocol.BytesToPacket

// namesNTSType reports whether mac's key identifier, read as an extension
// field header, names an RFC 8915 field type.
func namesNTSType(mac []byte) bool {
	if len(mac) < 2 {
		return false
	}
	switch protocol.ExtensionFieldType(binary.BigEndian.Uint16(mac)) {
	case protocol.UniqueIdentifier, protocol.NTSCookie, protocol.NTSCookiePlaceholder, protocol.NTSAuthenticator:
		return true
	}
	return false
}

// consumeMAC returns one of RFC 5905's MAC shapes, or nil.
func consumeMAC(c *fuzz.ConsumeFuzzer, kind byte) []byte {
	var n int
	switch kind % 4 {
	case 1:
		return make([]byte, 4) // crypto-NAK
	case 2:
		n = 16 // MD5
	case 3:
		n = 20 // SHA-1
	default:
		return nil
	}
	keyID, err := c.GetUint32()
	if err != nil {
		return nil
	}
	digest, err := c.GetNBytes(n)
	if err != nil {
		return nil
	}
	return append(binary.BigEndian.AppendUint32(nil, keyID), digest...)
}

// padBody is a field body in the normal form parsing returns: zero-padded
// to a multiple of 4 octets.
func padBody(b []byte) []byte {
	out := bytes.Clone(b)
	if out == nil {
		out = []byte{}
	}
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out
}

func structuredNTSRequest(c *fuzz.ConsumeFuzzer) error {
	p, err := consumeHeader(c)
	if err != nil {
		return nil
	}
	sel, err := c.GetByte()
	if err != nil {
		return nil
	}
	alg := AEADs[int(sel)%len(AEADs)]
	cookie, err := SealCookie(alg, sel)
	if err != nil {
		return err
	}
	uid, err := c.GetBytes()
	if err != nil || len(uid) < nts.MinUniqueIdentifierLen {
		uid = UniqueID
	}
	ph, _ := c.GetByte()
	c2s, _ := SessionKeys(alg)
	wire, err := nts.BuildNTSRequest(p, nts.RequestParams{AEAD: alg, C2S: c2s, Cookie: cookie, UniqueID: uid, Placeholders: int(ph % 8)})
	if err != nil {
		return harness.Violated("nts-roundtrip", "BuildNTSRequest", "valid parameters refused: %v", err)
	}
	return checkBuiltRequest(wire, alg, uid)
}

// checkBuiltRequest requires a request built with the fixed keys of alg and
// unique identifier uid to verify on the server side.
func checkBuiltRequest(wire []byte, alg protocol.AEADAlgorithm, uid []byte) error {
	v, err := verifyNTSRequest(wire)
	if err != nil {
		return err
	}
	if v == nil {
		return harness.Violated("nts-roundtrip", "NTSAuthenticator", "request built by BuildNTSRequest does not verify (AEAD %d, wire %x)", alg, wire)
	}
	if !bytes.Equal(v.uid, padBody(uid)) || v.alg != alg {
		return harness.Violated("nts-roundtrip", "UniqueIdentifier", "verified with uid %x alg %d, built with %x alg %d", v.uid, v.alg, uid, alg)
	}
	return nil
}

func structuredNTSResponse(c *fuzz.ConsumeFuzzer) error {
	p, err := consumeHeader(c)
	if err != nil {
		return nil
	}
	sel, err := c.GetByte()
	if err != nil {
		return nil
	}
	alg := AEADs[int(sel)%len(AEADs)]
	n, _ := c.GetByte()
	var cookies [][]byte
	var efs []protocol.ExtensionField
	for range n % 6 {
		ck, err := c.GetBytes()
		if err != nil {
			break
		}
		cookies = append(cookies, padBody(ck))
		efs = append(efs, nts.NewCookie(ck))
	}
	p.ExtensionFields = []protocol.ExtensionField{nts.NewUniqueIdentifier(UniqueID)}
	ad, err := p.AssociatedData(1)
	if err != nil {
		return nil
	}
	enc, err := protocol.MarshalExtensionFields(efs)
	if err != nil {
		return nil
	}
	_, s2c := SessionKeys(alg)
	aead, err := nts.NewAEAD(alg, s2c)
	if err != nil {
		return err
	}
	auth, err := nts.SealAuthenticator(aead, ad, enc)
	if err != nil {
		return nil // plaintext over 64 KiB
	}
	p.ExtensionFields = append(p.ExtensionFields, auth)
	wire, err := p.Bytes()
	if err != nil {
		return nil
	}
	_, got, err := nts.VerifyNTSResponse(wire, alg, s2c, UniqueID)
	if err != nil {
		return harness.Violated("nts-roundtrip", "VerifyNTSResponse", "sealed response does not verify: %v", err)
	}
	if len(got) != len(cookies) {
		return harness.Violated("nts-roundtrip", "len(Cookies)", "%d cookies sealed, %d returned", len(cookies), len(got))
	}
	for i := range got {
		if !bytes.Equal(got[i], cookies[i]) {
			return harness.Violated("nts-roundtrip", fmt.Sprintf("Cookies[%d]", i), "sealed %x, returned %x", cookies[i], got[i])
		}
	}
	return nil
}
