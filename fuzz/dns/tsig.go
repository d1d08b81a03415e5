package dnsfuzz

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// TSIG fuzzes transaction signatures (RFC 8945) with the fixed key
// tsigSecret:
//
//   - data itself goes through TsigVerify (TSIG stripping, MAC buffer
//     construction, MAC check); if miekg/dns accepts it, an independent
//     MAC computation (tsigMAC) must accept it too (oracle differential at
//     "MAC");
//   - if data unpacks to a message carrying a TSIG, that message is signed
//     afresh with TsigGenerate and must verify (oracle tsig at "Verify");
//     the independent computation must produce the same MAC; and with one
//     covered byte changed, TsigVerify must reject it.
func TSIG(data []byte) error {
	if err := tsigVerify(data); err == nil {
		if ok, why := tsigMACValid(data); !ok {
			return harness.Violated("differential", "MAC", "TsigVerify accepted a message the independent check rejects: %s", why)
		}
	}
	var m dns.Msg
	if err := m.Unpack(data); err != nil || m.IsTsig() == nil {
		return nil
	}
	t := m.IsTsig()
	t.TimeSigned = uint64(time.Now().Unix())
	t.Fudge = 300
	t.Error = 0 // BADSIG/BADKEY responses are sent unsigned
	return tsigRoundTrip(&m, int(crc32.ChecksumIEEE(data)))
}

// tsigRoundTrip signs m (whose last record is a TSIG stub) and checks the
// signature verifies, matches the independent MAC, and breaks when the
// byte at flip (modulo the covered length) changes.
func tsigRoundTrip(m *dns.Msg, flip int) error {
	if m.Rcode&0xf == dns.RcodeNotAuth {
		// Tolerated: TsigVerify refuses every NOTAUTH message with
		// ErrAuth before looking at its MAC, by design.
		return nil
	}
	wire, mac, err := dns.TsigGenerate(m, tsigSecret, "", false)
	if err != nil {
		return nil // unsupported algorithm, unpackable message: nothing signed
	}
	if err := tsigVerify(wire); err != nil {
		return harness.Violated("tsig", "Verify", "freshly signed message does not verify: %v", err)
	}
	if ok, why := tsigMACValid(wire); !ok {
		return harness.Violated("differential", "MAC", "TsigGenerate MAC %s disagrees with the independent computation: %s", mac, why)
	}
	tsigStart, _, ok := lastRROffset(wire)
	if !ok || tsigStart == 0 {
		return nil
	}
	bad := append([]byte(nil), wire...)
	i := flip % tsigStart
	if i < 0 {
		i = -i
	}
	if i < 2 {
		i = 2 // the ID is replaced by the TSIG's original ID; not covered as sent
	}
	bad[i] ^= 0x01
	if err := tsigVerify(bad); err == nil {
		if ok, _ := tsigMACValid(bad); !ok {
			return harness.Violated("tsig", "Verify", "message with byte %d changed still verifies", i)
		}
	}
	// RFC 8945 section 5.2: the TSIG must be the last record. A record
	// appended after it is not covered by the MAC, so the message must not
	// verify.
	appended := append(append([]byte(nil), wire...), 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 66)
	binary.BigEndian.PutUint16(appended[10:], binary.BigEndian.Uint16(appended[10:])+1)
	if err := tsigVerify(appended); err == nil {
		return harness.Violated("tsig", "Verify", "an A record appended after the TSIG is accepted as signed")
	}
	return nil
}

// tsigVerify is dns.TsigVerify on a copy of msg: TsigVerify writes into
// its argument (it decrements ARCOUNT and overwrites the ID with the
// original ID while building the MAC input), which would corrupt the
// caller's bytes and this package's later checks. Noted as a miekg/dns API
// hazard: a daemon that verifies then forwards the raw message forwards a
// wrong ARCOUNT.
func tsigVerify(msg []byte) error {
	return tsigVerifier(append([]byte(nil), msg...))
}

// tsigVerifier is the implementation under test; oracle tests replace it
// with a deliberately wrong one to prove the oracles fire.
var tsigVerifier = func(msg []byte) error { return dns.TsigVerify(msg, tsigSecret, "", false) }

// tsigMACValid recomputes the MAC of a message whose last record is a TSIG
// from the raw bytes, following RFC 8945 section 4.3 directly (not
// miekg/dns's tsigBuffer): the message without the TSIG, ARCOUNT minus one
// and the TSIG's original ID, then the TSIG variables, with CLASS and TTL
// as the TSIG record carries them (see tsigDigestClasses). Only the TSIG's
// field values come from miekg/dns's Unpack.
func tsigMACValid(wire []byte) (bool, string) {
	start, count, ok := lastRROffset(wire)
	if !ok || count == 0 {
		return false, "no last record in the additional section"
	}
	rr, _, err := dns.UnpackRR(wire, start)
	if err != nil {
		return false, "TSIG does not unpack: " + err.Error()
	}
	t, isTsig := rr.(*dns.TSIG)
	if !isTsig {
		return false, "last record is not a TSIG"
	}
	var h func() hash.Hash
	switch strings.ToLower(t.Algorithm) {
	case "hmac-sha1.":
		h = sha1.New
	case "hmac-sha224.":
		h = sha256.New224
	case "hmac-sha256.":
		h = sha256.New
	case "hmac-sha384.":
		h = sha512.New384
	case "hmac-sha512.":
		h = sha512.New
	default:
		return false, "algorithm " + t.Algorithm
	}
	key, err := base64.StdEncoding.DecodeString(tsigSecret)
	if err != nil {
		return false, err.Error()
	}
	msg := append([]byte(nil), wire[:start]...)
	binary.BigEndian.PutUint16(msg[0:], t.OrigId)
	binary.BigEndian.PutUint16(msg[10:], count-1)
	other, err := hex.DecodeString(t.OtherData)
	if err != nil {
		return false, "other data: " + err.Error()
	}
	got, err := hex.DecodeString(t.MAC)
	if err != nil {
		return false, "MAC: " + err.Error()
	}
	var want []byte
	for _, class := range tsigDigestClasses(t.Hdr.Class) {
		mac := hmac.New(h, key)
		mac.Write(msg)
		mac.Write(canonicalWire(t.Hdr.Name))
		var ct [6]byte
		binary.BigEndian.PutUint16(ct[0:], class)
		binary.BigEndian.PutUint32(ct[2:], t.Hdr.Ttl)
		mac.Write(ct[:])
		mac.Write(canonicalWire(t.Algorithm))
		var v [10]byte
		binary.BigEndian.PutUint16(v[0:], uint16(t.TimeSigned>>32))
		binary.BigEndian.PutUint32(v[2:], uint32(t.TimeSigned))
		binary.BigEndian.PutUint16(v[6:], t.Fudge)
		binary.BigEndian.PutUint16(v[8:], t.Error)
		mac.Write(v[:])
		mac.Write([]byte{byte(t.OtherLen >> 8), byte(t.OtherLen)})
		mac.Write(other)
		if want = mac.Sum(nil); hmac.Equal(want, got) {
			return true, ""
		}
	}
	return false, "MAC " + hex.EncodeToString(want) + " expected, message carries " + t.MAC
}

// tsigDigestClasses is the CLASS the TSIG variables may carry (RFC 8945
// section 4.3.3) for a TSIG record of class c. The variables are the TSIG
// record's own fields, so CLASS and TTL are digested as the record carries
// them: "MUST be ANY" and "MUST be 0" (section 4.2) bind the signer that
// writes the record, not the digest, and a verifier recomputes the MAC from
// the record it received. A record whose class breaks the MUST is also
// accepted with CLASS ANY digested, which is what miekg/dns's signer and
// verifier both do (tsigBuffer writes ClassANY); the TTL has no such
// alternative, since the MAC must cover the TTL that travels.
func tsigDigestClasses(c uint16) []uint16 {
	if c == dns.ClassANY {
		return []uint16{dns.ClassANY}
	}
	return []uint16{c, dns.ClassANY}
}

// canonicalWire is name in lower-case uncompressed wire form.
func canonicalWire(name string) []byte {
	buf := make([]byte, 256+len(name))
	off, err := dns.PackDomainName(dns.CanonicalName(name), buf, 0, nil, false)
	if err != nil {
		return nil
	}
	return buf[:off]
}

// lastRROffset walks wire independently of miekg/dns and returns the
// offset of the last record of the additional section and ARCOUNT.
func lastRROffset(wire []byte) (start int, arcount uint16, ok bool) {
	if len(wire) < 12 {
		return 0, 0, false
	}
	qd := int(binary.BigEndian.Uint16(wire[4:]))
	rrs := int(binary.BigEndian.Uint16(wire[6:])) + int(binary.BigEndian.Uint16(wire[8:]))
	arcount = binary.BigEndian.Uint16(wire[10:])
	off := 12
	for i := 0; i < qd; i++ {
		if off, ok = skipName(wire, off); !ok || off+4 > len(wire) {
			return 0, 0, false
		}
		off += 4
	}
	for i := 0; i < rrs+int(arcount); i++ {
		start = off
		if off, ok = skipName(wire, off); !ok || off+10 > len(wire) {
			return 0, 0, false
		}
		off += 10 + int(binary.BigEndian.Uint16(wire[off+8:]))
		if off > len(wire) {
			return 0, 0, false
		}
	}
	return start, arcount, arcount > 0
}

// skipName returns the offset after the name at off: labels up to the root
// or the first compression pointer.
func skipName(wire []byte, off int) (int, bool) {
	for off < len(wire) {
		c := int(wire[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				return off + 1, true
			}
			off += 1 + c
		case 0xc0:
			return off + 2, off+2 <= len(wire)
		default:
			return 0, false
		}
	}
	return 0, false
}
