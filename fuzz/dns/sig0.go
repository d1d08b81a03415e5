package dnsfuzz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/binary"
	"hash/crc32"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// SIG0 is the path of a server that accepts dynamic updates signed with
// SIG(0) (RFC 2931) and of the client that signs them, with the fixed
// KEYs of sig0KeyPairs. data is a DNS message:
//
//   - if it ends in a SIG, SIG.Verify checks it against each fixed KEY; an
//     accepted signature must verify under an independent RFC 2931 check
//     too (sig0Verify; oracle "differential" at "SIG0.Verify");
//   - its records are turned into an UPDATE (RFC 2136) by the Msg update
//     helpers (Insert, Remove, RemoveRRset, RemoveName, Used, RRsetUsed,
//     RRsetNotUsed, NameUsed, NameNotUsed, one per record), whose wire form
//     must be the RFC 2136 2.4/2.5 encoding of each (oracle "update" at
//     "<helper>.<field>");
//   - that UPDATE or the message itself (its SIG or TSIG removed), one
//     or the other by the input's checksum, is signed with SIG.Sign by one fixed key and must then verify with
//     SIG.Verify and the independent check (oracle "sig0" at "Verify",
//     "differential" at "SIG0.Sign"), unpack to the message signed (oracle
//     "sig0" at "Sign.Message"), and fail to verify once one covered byte
//     changes (oracle "sig0" at "Tamper").
//
// Known bug, tolerated unless harness.Strict (sig0AdcountBug): SIG.Verify
// hashes the high octet of the additional count as 0, so a message with
// 256 or more additional records before the SIG never verifies.
func SIG0(data []byte) error {
	var m dns.Msg
	if err := m.Unpack(data); err != nil {
		return nil
	}
	if err := verifyReceived(&m, data); err != nil {
		return err
	}
	u, err := buildUpdate(&m, data)
	if err != nil {
		return err
	}
	sum := crc32.ChecksumIEEE(data)
	k := sig0Keys()[int(sum/2%uint32(len(sig0Keys())))]
	if u != nil && sum%2 == 0 {
		return signAndCheck(k, u, int(sum))
	}
	stripped := m.Copy()
	if n := len(stripped.Extra); n > 0 {
		if t := stripped.Extra[n-1].Header().Rrtype; t == dns.TypeSIG || t == dns.TypeTSIG {
			stripped.Extra = stripped.Extra[:n-1]
		}
	}
	return signAndCheck(k, stripped, int(sum))
}

// sig0Key is a fixed KEY of sig0KeyPairs with its private key.
type sig0Key struct {
	key  *dns.KEY
	priv crypto.Signer
}

var sig0Keys = sync.OnceValue(func() []sig0Key {
	var out []sig0Key
	for _, kp := range sig0KeyPairs {
		rr, err := dns.NewRR(kp.public)
		if err != nil {
			panic("dnsfuzz: fixed KEY " + kp.public + ": " + err.Error())
		}
		k := rr.(*dns.KEY)
		priv, err := k.NewPrivateKey(kp.private)
		if err != nil {
			panic("dnsfuzz: fixed KEY's private key: " + err.Error())
		}
		out = append(out, sig0Key{key: k, priv: priv.(crypto.Signer)})
	}
	return out
})

// sigVerify is SIG.Verify; oracle tests replace it with a wrong one.
var sigVerify = (*dns.SIG).Verify

// verifyReceived checks a SIG(0) data ends with against every fixed key.
func verifyReceived(m *dns.Msg, data []byte) error {
	if len(m.Extra) == 0 {
		return nil
	}
	sig, ok := m.Extra[len(m.Extra)-1].(*dns.SIG)
	if !ok {
		return nil
	}
	for _, k := range sig0Keys() {
		if sigVerify(sig, k.key, data) != nil {
			continue
		}
		if why := sig0Verify(k, data); why != "" {
			return harness.Violated("differential", "SIG0.Verify", "SIG.Verify accepted a signature by %s (algorithm %d) the independent check rejects: %s", k.key.Hdr.Name, k.key.Algorithm, why)
		}
	}
	return nil
}

// sig0AdcountBug reports whether a failed verification of wire is the
// known miekg/dns v1.1.73 bug: SIG.Verify writes byte((adc-1)<<8), always
// 0, for the high octet of the additional count it hashes, instead of
// byte((adc-1)>>8). TestSIG0AdcountBug shows it.
func sig0AdcountBug(wire []byte) bool {
	return !sig0Strict() && len(wire) >= 12 && binary.BigEndian.Uint16(wire[10:])-1 >= 256
}

// sig0Strict is harness.Strict; oracle tests turn it on.
var sig0Strict = harness.Strict

func signAndCheck(k sig0Key, m *dns.Msg, flip int) error {
	// What does not survive Pack -> Unpack unsigned is Wire's finding, not
	// SIG(0)'s: only messages that do are signed.
	wb, err := m.Pack()
	if err != nil {
		return nil
	}
	var want dns.Msg
	if want.Unpack(wb) != nil {
		return nil
	}
	now := uint32(time.Now().Unix())
	sig := &dns.SIG{RRSIG: dns.RRSIG{KeyTag: k.key.KeyTag(), SignerName: k.key.Hdr.Name, Algorithm: k.key.Algorithm,
		Inception: now - 300, Expiration: now + 300}}
	wire, err := sig.Sign(k.priv, m)
	if err != nil {
		return nil // a message that does not pack, or too long once signed
	}
	var back dns.Msg
	if err := back.Unpack(wire); err != nil {
		return harness.Violated("sig0", "Sign.Message", "the signed message does not unpack: %v", err)
	}
	last, ok := back.Extra[len(back.Extra)-1].(*dns.SIG)
	if !ok {
		return harness.Violated("sig0", "Sign.Message", "the signed message ends in %v, not its SIG", back.Extra[len(back.Extra)-1])
	}
	unsigned := back.Copy()
	unsigned.Extra = unsigned.Extra[:len(unsigned.Extra)-1]
	want.Compress, unsigned.Compress = false, false
	if err := equalMsg("sig0", &want, unsigned); err != nil {
		return harness.Violated("sig0", "Sign.Message", "%v", err)
	}
	if err := sigVerify(last, k.key, wire); err != nil && !sig0AdcountBug(wire) {
		if adc := binary.BigEndian.Uint16(wire[10:]); adc-1 >= 256 {
			// The known bug, in strict mode: one field and message for
			// every key, so it has one crash signature.
			return harness.Violated("sig0", "Verify.Adcount", "a message SIG.Sign signed does not verify with %d additional records before the SIG", adc-1)
		}
		return harness.Violated("sig0", "Verify", "a message SIG.Sign signed with %s (algorithm %d) does not verify: %v", k.key.Hdr.Name, k.key.Algorithm, err)
	}
	if why := sig0Verify(k, wire); why != "" {
		return harness.Violated("differential", "SIG0.Sign", "the independent check rejects what SIG.Sign signed: %s", why)
	}
	return checkTamper(k, wire, flip)
}

// checkTamper changes one octet Verify must cover (the header but the
// additional count, the body before the SIG) and, when the result still
// unpacks to a message ending in that SIG, requires Verify to fail.
func checkTamper(k sig0Key, wire []byte, flip int) error {
	start, _, ok := lastRROffset(wire)
	if !ok || start <= 12 {
		return nil
	}
	covered := start - 2 // [0,10) and [12,start)
	i := flip % covered
	if i < 0 {
		i = -i
	}
	if i >= 10 {
		i += 2
	}
	bad := append([]byte(nil), wire...)
	bad[i] ^= 0x20
	var m dns.Msg
	if m.Unpack(bad) != nil || len(m.Extra) == 0 {
		return nil
	}
	sig, ok := m.Extra[len(m.Extra)-1].(*dns.SIG)
	if !ok {
		return nil
	}
	if sigVerify(sig, k.key, bad) == nil {
		return harness.Violated("sig0", "Tamper", "the signature still verifies with octet %d changed", i)
	}
	return nil
}

// sig0Verify is an independent SIG(0) check (RFC 2931 3.1, RFC 2535
// 4.1.8.1) of wire, whose last record must be the SIG: the signature
// covers the SIG's RDATA without the signature, then the message as it
// was before the SIG was added (the additional count one less). It
// returns why it rejects, or "".
func sig0Verify(k sig0Key, wire []byte) string {
	start, arcount, ok := lastRROffset(wire)
	if !ok {
		return "no last record"
	}
	off, ok := skipName(wire, start)
	if !ok || off+10 > len(wire) {
		return "SIG owner cut off"
	}
	if binary.BigEndian.Uint16(wire[off:]) != dns.TypeSIG {
		return "the last record is no SIG"
	}
	rdlen := int(binary.BigEndian.Uint16(wire[off+8:]))
	rdata := wire[off+10:]
	if len(rdata) < rdlen {
		return "SIG RDATA cut off"
	}
	rdata = rdata[:rdlen]
	if len(rdata) < 18 {
		return "SIG RDATA shorter than its fixed fields"
	}
	alg := rdata[2]
	expire, incept := binary.BigEndian.Uint32(rdata[8:]), binary.BigEndian.Uint32(rdata[12:])
	signer, n, ok := plainName(rdata, 18)
	if !ok {
		return "signer name not an uncompressed name"
	}
	if !strings.EqualFold(signer, k.key.Hdr.Name) {
		return "signer " + signer + " is not the key's owner"
	}
	if alg != k.key.Algorithm {
		return "the SIG's algorithm is not the KEY's"
	}
	now := uint32(time.Now().Unix())
	if now < incept || now > expire {
		return "outside the validity period"
	}
	signed := append([]byte(nil), rdata[:n]...)
	signed = append(signed, wire[:10]...)
	signed = binary.BigEndian.AppendUint16(signed, arcount-1)
	signed = append(signed, wire[12:start]...)
	if !verifySignature(k.priv.Public(), alg, signed, rdata[n:]) {
		return "bad signature"
	}
	return ""
}

// plainName reads an uncompressed name at off, returning it in
// presentation form (labels joined by dots, not escaped) and the offset
// after it.
func plainName(b []byte, off int) (string, int, bool) {
	var labels []string
	for off < len(b) {
		l := int(b[off])
		switch {
		case l == 0:
			return strings.Join(labels, ".") + ".", off + 1, true
		case l&0xc0 != 0 || off+1+l > len(b):
			return "", 0, false
		}
		labels = append(labels, string(b[off+1:off+1+l]))
		off += 1 + l
	}
	return "", 0, false
}

func verifySignature(pub crypto.PublicKey, alg uint8, data, sig []byte) bool {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		h := map[uint8]crypto.Hash{dns.RSASHA1: crypto.SHA1, dns.RSASHA1NSEC3SHA1: crypto.SHA1, dns.RSASHA256: crypto.SHA256, dns.RSASHA512: crypto.SHA512}[alg]
		if h == 0 {
			return false
		}
		d := h.New()
		d.Write(data)
		return rsa.VerifyPKCS1v15(pub, h, d.Sum(nil), sig) == nil
	case *ecdsa.PublicKey:
		h, size := crypto.SHA256, 32
		if alg == dns.ECDSAP384SHA384 {
			h, size = crypto.SHA384, 48
		}
		if len(sig) != 2*size {
			return false
		}
		d := h.New()
		d.Write(data)
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(pub, d.Sum(nil), r, s)
	case ed25519.PublicKey:
		return ed25519.Verify(pub, data, sig)
	}
	return false
}

// sig0Seeds are UPDATEs signed now with each fixed key, as an UPDATE
// client sends them (nsupdate -k with a KEY): SIG.Verify's accepting path
// is reached only by such messages.
func sig0Seeds() [][]byte {
	var out [][]byte
	for i, k := range sig0Keys() {
		u := new(dns.Msg).SetUpdate("example.org.")
		a, _ := dns.NewRR("www.example.org. 300 IN A 192.0.2.1")
		txt, _ := dns.NewRR(`www.example.org. 300 IN TXT "updated"`)
		u.RRsetNotUsed([]dns.RR{a})
		u.Insert([]dns.RR{a, txt})
		if i%2 == 1 {
			u.RemoveName([]dns.RR{txt})
			u.Remove([]dns.RR{a})
		}
		now := uint32(time.Now().Unix())
		sig := &dns.SIG{RRSIG: dns.RRSIG{KeyTag: k.key.KeyTag(), SignerName: k.key.Hdr.Name, Algorithm: k.key.Algorithm,
			Inception: now - 3600, Expiration: now + 86400}}
		wire, err := sig.Sign(k.priv, u)
		if err != nil {
			panic("dnsfuzz: sign a seed UPDATE: " + err.Error())
		}
		out = append(out, wire)
	}
	return out
}
