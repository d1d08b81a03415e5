package dnsfuzz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"strings"

	fuzz "github.com/AdaLogics/go-fuzz-headers"
	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// DNSSEC fuzzes DNSSEC validation with key and signature material built
// from data (go-fuzz-headers):
//
//   - RRSIG.Verify on a fuzzed DNSKEY (algorithm, public key bytes) and
//     RRSIG (signature bytes, labels, validity) over a fuzzed RRset. The
//     metadata checks Verify does first (key tag, signer, class, protocol,
//     zone flag) are satisfied unless the input chooses to break one, so
//     the public-key decoders (RSA exponent/modulus, ECDSA point, Ed25519)
//     and the signature checks see fuzzed bytes. Oracle dnssec at
//     "Verify": a signature no private key produced must not verify.
//   - sign-then-verify with fixed Ed25519 and ECDSA P-256 keys: the fuzzed
//     RRset signed with RRSIG.Sign verifies (dnssec at "Sign"), and does
//     not once one signature byte changes (dnssec at "Verify").
//   - KeyTag, ToDS for each digest, ToCDNSKEY, ToCDS, ValidityPeriod,
//     NSEC3 HashName and the private-key file parser
//     (DNSKEY.NewPrivateKey) on fuzzed input.
func DNSSEC(data []byte) error {
	s := src{fuzz.NewConsumer(data)}
	owner := s.name()
	rrset := fuzzRRset(s, owner)
	key := &dns.DNSKEY{
		Hdr:       dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags:     dns.ZONE | uint16(s.u8()&1), // ZONE, sometimes SEP
		Protocol:  3,
		Algorithm: dnssecAlgs[s.n(len(dnssecAlgs))],
		PublicKey: base64.StdEncoding.EncodeToString(s.bytes(300)),
	}
	touchKey(key)
	sig := &dns.RRSIG{
		Hdr:         dns.RR_Header{Name: owner, Rrtype: dns.TypeRRSIG, Class: dns.ClassINET, Ttl: 3600},
		TypeCovered: rrset[0].Header().Rrtype,
		Algorithm:   key.Algorithm,
		Labels:      uint8(dns.CountLabel(owner)),
		OrigTtl:     rrset[0].Header().Ttl,
		Expiration:  s.u32(),
		Inception:   s.u32(),
		KeyTag:      key.KeyTag(),
		SignerName:  key.Hdr.Name,
		Signature:   base64.StdEncoding.EncodeToString(s.bytes(300)),
	}
	breakMetadata(s, key, sig)
	_ = sig.ValidityPeriod(refTime)
	if err := verifyRRSIG(sig, key, rrset); err == nil {
		return harness.Violated("dnssec", "Verify", "a fuzzed signature verifies:\n%s\n%s", key, sig)
	}
	_ = dns.HashName(owner, dns.SHA1, s.u16()%64, s.hex(8))
	_, _ = key.NewPrivateKey(string(s.bytes(200)))
	return signAndVerify(s, rrset)
}

// verifyRRSIG is the implementation under test; oracle tests replace it
// with a deliberately wrong one to prove the oracles fire.
var verifyRRSIG = func(sig *dns.RRSIG, key *dns.DNSKEY, rrset []dns.RR) error { return sig.Verify(key, rrset) }

var dnssecAlgs = []uint8{dns.RSASHA1, dns.RSASHA1NSEC3SHA1, dns.RSASHA256, dns.RSASHA512, dns.ECDSAP256SHA256, dns.ECDSAP384SHA384, dns.ED25519, dns.ED448, dns.DSA, dns.RSAMD5, 0, 253}

// fuzzRRset builds 1-4 records of one type, class and owner.
func fuzzRRset(s src, owner string) []dns.RR {
	build := rrBuilders[s.n(len(rrBuilders))]
	var rrset []dns.RR
	for i, n := 0, 1+s.n(4); i < n; i++ {
		rr := build(s, owner)
		rr.Header().Class = dns.ClassINET
		if i > 0 {
			rr.Header().Rrtype = rrset[0].Header().Rrtype // the RFC3597 builder varies it
		}
		rrset = append(rrset, rr)
	}
	return rrset
}

// breakMetadata sometimes spoils one of the checks Verify makes before any
// cryptography, so their rejection paths are fuzzed too.
func breakMetadata(s src, key *dns.DNSKEY, sig *dns.RRSIG) {
	switch s.n(16) {
	case 0:
		sig.KeyTag++
	case 1:
		sig.SignerName = "other.example."
	case 2:
		key.Protocol = s.u8()
	case 3:
		key.Flags = s.u16()
	case 4:
		sig.Labels = s.u8()
	case 5:
		sig.Algorithm = s.u8()
	}
}

func touchKey(key *dns.DNSKEY) {
	_ = key.KeyTag()
	for _, h := range []uint8{dns.SHA1, dns.SHA256, dns.GOST94, dns.SHA384, dns.SHA512, 0} {
		if ds := key.ToDS(h); ds != nil {
			_ = ds.ToCDS().String()
		}
	}
	_ = key.ToCDNSKEY().String()
}

// fixedSigners are deterministic keys for sign-then-verify.
var fixedSigners = func() []struct {
	key    *dns.DNSKEY
	signer crypto.Signer
} {
	edPriv := ed25519.NewKeyFromSeed([]byte("daemonfuzz-dns-seed-key-32-bytes"))
	ed := &dns.DNSKEY{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: dns.ZONE, Protocol: 3, Algorithm: dns.ED25519,
		PublicKey: base64.StdEncoding.EncodeToString(edPriv.Public().(ed25519.PublicKey))}
	ec, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), []byte("daemonfuzz fixed ECDSA P-256 key"))
	if err != nil {
		panic(err) // a constant 32-byte scalar below the curve order
	}
	point, err := ec.PublicKey.Bytes()
	if err != nil {
		panic(err)
	}
	pub := point[1:] // DNSKEY holds X||Y, without the uncompressed-point prefix 0x04 (RFC 6605)
	ecKey := &dns.DNSKEY{Hdr: ed.Hdr, Flags: dns.ZONE, Protocol: 3, Algorithm: dns.ECDSAP256SHA256,
		PublicKey: base64.StdEncoding.EncodeToString(pub)}
	return []struct {
		key    *dns.DNSKEY
		signer crypto.Signer
	}{{ed, edPriv}, {ecKey, ec}}
}()

func signAndVerify(s src, rrset []dns.RR) error {
	k := fixedSigners[s.n(len(fixedSigners))]
	owner := rrset[0].Header().Name
	if !strings.HasSuffix(dns.CanonicalName(owner), k.key.Hdr.Name) {
		for _, rr := range rrset {
			rr.Header().Name = "signed.example.org."
		}
	}
	sig := &dns.RRSIG{
		Hdr:        dns.RR_Header{Name: rrset[0].Header().Name, Rrtype: dns.TypeRRSIG, Class: dns.ClassINET, Ttl: 3600},
		KeyTag:     k.key.KeyTag(),
		SignerName: k.key.Hdr.Name,
		Algorithm:  k.key.Algorithm,
		Inception:  1700000000,
		Expiration: 2000000000,
	}
	if !dns.IsRRset(rrset) {
		// Tolerated: Sign signs any slice, Verify insists on an RRset
		// (one owner, type, class); only RRsets are checked.
		return nil
	}
	if err := sig.Sign(k.signer, rrset); err != nil {
		return nil // an RRset Sign refuses (not an RRset, unpackable rdata)
	}
	if err := verifyRRSIG(sig, k.key, rrset); err != nil {
		return harness.Violated("dnssec", "Sign", "a fresh %s signature does not verify: %v\n%s", dns.AlgorithmToString[k.key.Algorithm], err, sig)
	}
	raw, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil || len(raw) == 0 {
		return harness.Violated("dnssec", "Sign", "signature is not base64: %v", err)
	}
	raw[s.n(len(raw))] ^= 1 << (s.u8() % 8)
	sig.Signature = base64.StdEncoding.EncodeToString(raw)
	if err := verifyRRSIG(sig, k.key, rrset); err == nil {
		return harness.Violated("dnssec", "Verify", "a signature with one bit flipped still verifies\n%s", sig)
	}
	return nil
}
