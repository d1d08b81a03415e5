package dnsfuzz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing/iotest"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// PrivateKey reads data as a BIND private-key file (the
// K<zone>+<alg>+<tag>.private a signer such as a DNSSEC-signing daemon or
// an UPDATE client loads) with DNSKEY.NewPrivateKey and ReadPrivateKey,
// once for each fixed zone key of dnsKeyPairs (the public half comes from
// the DNSKEY), and checks:
//
//   - round trip (oracle "keyscan" at "RoundTrip"): a key read with a
//     DNSKEY of its own family (RSA, ECDSA, Ed25519) is written with
//     PrivateKeyString and read back to the same key;
//   - agreement (oracle "keyscan" at "Field.<name>" and "Accept"): when
//     every line of data has the "Key: value" shape BIND writes, an
//     independent reader of the format (readKeyFile) decodes the same
//     private values, and miekg/dns accepts every file that reader finds
//     complete for the DNSKEY's algorithm;
//   - a read error of the reader ends ReadPrivateKey with an error
//     (oracle "keyscan" at "ReadError"), never a key read from half a file;
//   - once per process, a key made with DNSKEY.Generate for each
//     algorithm survives the same round trip (oracle "keyscan" at
//     "Generate").
//
// Known bug, tolerated unless harness.Strict (invalidKeyBug):
// ReadPrivateKey returns without error RSA and Ed25519 keys it never
// validated, and PrivateKeyString panics on some of them.
func PrivateKey(data []byte) error {
	if err := generatedKeysRoundTrip(); err != nil {
		return err
	}
	text := string(data)
	want, standard := readKeyFile(text)
	for i, kp := range fixedZoneKeys() {
		var (
			key crypto.PrivateKey
			err error
		)
		if i%2 == 0 {
			key, err = kp.key.NewPrivateKey(text)
		} else {
			// A reader that is no io.ByteReader: the lexer's bufio path.
			key, err = kp.key.ReadPrivateKey(iotest.OneByteReader(strings.NewReader(text)), "fuzz.private")
		}
		if standard {
			if err := checkKeyFields(kp.key, want, key, err); err != nil {
				return err
			}
		}
		if err != nil {
			continue
		}
		if err := checkKeyRoundTrip(kp.key, key); err != nil {
			return err
		}
	}
	return checkReadError(fixedZoneKeys()[0].key, text)
}

// zoneKey is a DNSKEY of dnsKeyPairs with its private key.
type zoneKey struct {
	key  *dns.DNSKEY
	priv crypto.PrivateKey // nil where miekg/dns cannot read it (ED448)
}

var fixedZoneKeys = sync.OnceValue(func() []zoneKey {
	var out []zoneKey
	for _, kp := range dnsKeyPairs {
		rr, err := dns.NewRR(kp.public)
		if err != nil {
			panic("dnsfuzz: fixed DNSKEY " + kp.public + ": " + err.Error())
		}
		k := rr.(*dns.DNSKEY)
		priv, _ := k.NewPrivateKey(kp.private)
		out = append(out, zoneKey{key: k, priv: priv})
	}
	return out
})

// keyFamily is "rsa", "ecdsa", "ed25519", or "" for an algorithm or key
// type miekg/dns cannot sign with.
func keyFamily(alg uint8) string {
	switch alg {
	case dns.RSASHA1, dns.RSASHA1NSEC3SHA1, dns.RSASHA256, dns.RSASHA512:
		return "rsa"
	case dns.ECDSAP256SHA256, dns.ECDSAP384SHA384:
		return "ecdsa"
	case dns.ED25519:
		return "ed25519"
	}
	return ""
}

func keyTypeFamily(key crypto.PrivateKey) string {
	switch key.(type) {
	case *rsa.PrivateKey:
		return "rsa"
	case *ecdsa.PrivateKey:
		return "ecdsa"
	case ed25519.PrivateKey:
		return "ed25519"
	}
	return ""
}

// privKeyStrict is harness.Strict; oracle tests turn it on.
var privKeyStrict = harness.Strict

// invalidKeyBug reports a key of the known miekg/dns v1.1.73 bug:
// ReadPrivateKey returns without error an RSA key it never validated (a
// file without PrivateExponent, Prime1 or Prime2 leaves them nil; primes
// of 0 or 1, or with no inverse of one modulo the other, are taken as
// they are) and an Ed25519 key of a file without PrivateKey (empty), and
// PrivateKeyString panics on such a key (nil pointer, division by zero,
// slice bounds). Tolerated unless harness.Strict: the round trip goes on
// for every such key PrivateKeyString can print.
// TestPrivateKeyInvalidKeyPanics shows it.
func invalidKeyBug(key crypto.PrivateKey) bool {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.D == nil || len(k.Primes) != 2 || k.Primes[0] == nil || k.Primes[1] == nil {
			return true
		}
		return k.Validate() != nil
	case ed25519.PrivateKey:
		return len(k) != ed25519.PrivateKeySize
	}
	return false
}

// printKey is k.PrivateKeyString(key), and false instead of a panic the
// known bug explains.
func printKey(k *dns.DNSKEY, key crypto.PrivateKey) (text string, ok bool) {
	if privKeyStrict() || !invalidKeyBug(key) {
		return privateKeyString(k, key), true
	}
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	return privateKeyString(k, key), true
}

// privateKeyString and readPrivateKey are the functions under test; oracle
// tests replace them with wrong ones to prove the oracles fire.
var (
	privateKeyString = (*dns.DNSKEY).PrivateKeyString
	readPrivateKey   = (*dns.DNSKEY).ReadPrivateKey
)

func checkKeyRoundTrip(k *dns.DNSKEY, key crypto.PrivateKey) error {
	if keyTypeFamily(key) != keyFamily(k.Algorithm) {
		// A key file of another family than the DNSKEY: miekg/dns does
		// not compare them (its "TODO: check if the pubkey matches"), and
		// PrivateKeyString labels the key with the DNSKEY's algorithm.
		return nil
	}
	text, ok := printKey(k, key)
	if !ok {
		return nil
	}
	back, err := k.NewPrivateKey(text)
	if err != nil {
		return harness.Violated("keyscan", "RoundTrip", "PrivateKeyString output does not read back: %v\n%s", err, text)
	}
	if !sameKey(key, back) {
		return harness.Violated("keyscan", "RoundTrip", "key %s read back as %s\n%s", describeKey(key), describeKey(back), text)
	}
	return nil
}

// sameKey compares the private and public values of two keys.
func sameKey(a, b crypto.PrivateKey) bool {
	switch a := a.(type) {
	case *rsa.PrivateKey:
		b, ok := b.(*rsa.PrivateKey)
		return ok && a.PublicKey.Equal(&b.PublicKey) && a.D.Cmp(b.D) == 0 &&
			len(a.Primes) == len(b.Primes) && a.Primes[0].Cmp(b.Primes[0]) == 0 && a.Primes[1].Cmp(b.Primes[1]) == 0
	case *ecdsa.PrivateKey:
		b, ok := b.(*ecdsa.PrivateKey)
		return ok && ecdsaD(a).Cmp(ecdsaD(b)) == 0 && a.X.Cmp(b.X) == 0 && a.Y.Cmp(b.Y) == 0 && a.Curve == b.Curve
	case ed25519.PrivateKey:
		b, ok := b.(ed25519.PrivateKey)
		return ok && a.Equal(b)
	}
	return false
}

// ecdsaD is the raw private scalar: miekg/dns reads a key file into it
// and writes it out from it (no validation, any value), so the oracles
// must compare it as it is; PrivateKey.Bytes refuses invalid keys.
func ecdsaD(k *ecdsa.PrivateKey) *big.Int {
	//lint:ignore SA1019 the raw value is what miekg/dns reads and writes
	return k.D
}

func describeKey(k crypto.PrivateKey) string {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return fmt.Sprintf("rsa{D:%v P:%v}", k.D, k.Primes)
	case *ecdsa.PrivateKey:
		return fmt.Sprintf("ecdsa{D:%v}", ecdsaD(k))
	case ed25519.PrivateKey:
		return fmt.Sprintf("ed25519{%x}", []byte(k))
	}
	return fmt.Sprintf("%T", k)
}

// keyFile is what readKeyFile finds: the lowercased keys' last values.
type keyFile map[string]string

// readKeyFile reads a private-key file as BIND writes it: lines of
// "Key: value", keys compared without case, ';' starting a comment, blank
// lines skipped, the last line of a key winning. standard is false when a
// line has another shape (no colon, no space after it, a second colon,
// nothing before it):
// there the format says nothing and agreement is not checked (miekg/dns's
// lexer eats the octet after the colon whatever it is, and drops colons
// from values).
func readKeyFile(text string) (keyFile, bool) {
	f := keyFile{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		if line == "" {
			continue
		}
		i := strings.Index(line, ": ")
		if i <= 0 || strings.Count(line, ":") != 1 {
			return nil, false // miekg/dns also rejects an empty key
		}
		f[strings.ToLower(line[:i])] = line[i+2:]
	}
	return f, true
}

// privateFields are the fields a key of each family is read from.
var privateFields = map[string][]string{
	"rsa":     {"privateexponent", "prime1", "prime2"},
	"ecdsa":   {"privatekey"},
	"ed25519": {"privatekey"},
}

// decodedFields are the fields miekg/dns decodes as base64 when present
// (RSA's public values too, though the DNSKEY's replace them).
var decodedFields = map[string][]string{
	"rsa":     {"modulus", "publicexponent", "privateexponent", "prime1", "prime2"},
	"ecdsa":   {"privatekey"},
	"ed25519": {"privatekey"},
}

// complete reports whether f is a private key of k's family that
// miekg/dns must read: a known format version, the algorithm number of
// that family, and every private field present as base64 (an Ed25519 seed
// of 32 octets).
func (f keyFile) complete(k *dns.DNSKEY) bool {
	if v := f["private-key-format"]; v != "v1.2" && v != "v1.3" {
		return false
	}
	num, _, _ := strings.Cut(f["algorithm"], " ")
	alg, err := strconv.ParseUint(num, 10, 8)
	fam := keyFamily(uint8(alg))
	if err != nil || fam == "" || fam != keyFamily(k.Algorithm) {
		return false
	}
	for _, name := range privateFields[fam] {
		if _, ok := f[name]; !ok {
			return false
		}
	}
	for _, name := range decodedFields[fam] {
		v, ok := f[name]
		if !ok {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil || (fam == "ed25519" && len(b) != ed25519.SeedSize) {
			return false
		}
	}
	return true
}

// checkKeyFields compares what ReadPrivateKey returned for k with the
// independent reading f of a file in the standard shape.
func checkKeyFields(k *dns.DNSKEY, f keyFile, key crypto.PrivateKey, err error) error {
	if err != nil {
		if f.complete(k) {
			return harness.Violated("keyscan", "Accept", "ReadPrivateKey with a DNSKEY of algorithm %d rejected a complete key file: %v", k.Algorithm, err)
		}
		return nil
	}
	value := func(name string) *big.Int {
		b, _ := base64.StdEncoding.DecodeString(f[name])
		return new(big.Int).SetBytes(b)
	}
	differs := func(name string, got *big.Int) bool {
		_, ok := f[name]
		return ok && got != nil && got.Cmp(value(name)) != 0
	}
	switch key := key.(type) {
	case *rsa.PrivateKey:
		got := map[string]*big.Int{"privateexponent": key.D}
		if len(key.Primes) == 2 {
			got["prime1"], got["prime2"] = key.Primes[0], key.Primes[1]
		}
		for _, name := range privateFields["rsa"] {
			if differs(name, got[name]) {
				return harness.Violated("keyscan", "Field."+name, "ReadPrivateKey read %v, the file says %v", got[name], value(name))
			}
		}
	case *ecdsa.PrivateKey:
		if differs("privatekey", ecdsaD(key)) {
			return harness.Violated("keyscan", "Field.privatekey", "ReadPrivateKey read %v, the file says %v", ecdsaD(key), value("privatekey"))
		}
	case ed25519.PrivateKey:
		if len(key) == ed25519.PrivateKeySize && differs("privatekey", new(big.Int).SetBytes(key.Seed())) {
			return harness.Violated("keyscan", "Field.privatekey", "ReadPrivateKey read seed %x, the file says %q", key.Seed(), f["privatekey"])
		}
	}
	return nil
}

var errMidRead = errors.New("dnsfuzz: the disk went away")

// checkReadError reads text through a reader that fails after it.
func checkReadError(k *dns.DNSKEY, text string) error {
	r := io.MultiReader(strings.NewReader(text), iotest.ErrReader(errMidRead))
	key, err := readPrivateKey(k, r, "failing.private")
	if err == nil {
		return harness.Violated("keyscan", "ReadError", "ReadPrivateKey returned %T and no error from a reader that failed", key)
	}
	return nil
}

// generatedAlgs are the algorithms and sizes DNSKEY.Generate is run with.
var generatedAlgs = []struct {
	alg  uint8
	bits int
}{{dns.RSASHA256, 1024}, {dns.RSASHA512, 1024}, {dns.ECDSAP256SHA256, 256}, {dns.ECDSAP384SHA384, 384}, {dns.ED25519, 256}}

// generateKey is DNSKEY.Generate; oracle tests replace it.
var generateKey = (*dns.DNSKEY).Generate

var generatedKeysRoundTrip = sync.OnceValue(generatedKeys)

func generatedKeys() error {
	newKey := func(alg uint8) *dns.DNSKEY {
		return &dns.DNSKEY{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET}, Flags: 256, Protocol: 3, Algorithm: alg}
	}
	// A size the algorithm does not have, and an algorithm Generate does
	// not make, are refused.
	for _, alg := range []uint8{dns.RSASHA1, dns.RSASHA1NSEC3SHA1, dns.RSASHA256, dns.RSASHA512, dns.ECDSAP256SHA256, dns.ECDSAP384SHA384, dns.ED25519} {
		if _, err := generateKey(newKey(alg), 8192); !errors.Is(err, dns.ErrKeySize) {
			return harness.Violated("keyscan", "Generate.Size", "Generate(8192) for algorithm %d: %v, want ErrKeySize", alg, err)
		}
	}
	if _, err := generateKey(newKey(dns.DSA), 1024); !errors.Is(err, dns.ErrAlg) {
		return harness.Violated("keyscan", "Generate.Alg", "Generate for DSA: %v, want ErrAlg", err)
	}
	for _, g := range generatedAlgs {
		k := newKey(g.alg)
		priv, err := generateKey(k, g.bits)
		if err != nil {
			return harness.Violated("keyscan", "Generate", "Generate(%d) for algorithm %d: %v", g.bits, g.alg, err)
		}
		if err := checkKeyRoundTrip(k, priv); err != nil {
			return harness.Violated("keyscan", "Generate", "generated key of algorithm %d: %v", g.alg, err)
		}
	}
	return nil
}
