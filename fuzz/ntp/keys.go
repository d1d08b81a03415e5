package ntpfuzz

import (
	"crypto/sha512"
	"fmt"
	"sync"

	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"
)

// The fixed key material below makes NTS seeds reproducible: a seed sealed by
// corpus/gen/ntp verifies in every later fuzzing process. None of it is secret.

// MasterKey is the 64-octet cookie master key of the fixed keystore (key ID 1).
var MasterKey = derive("daemonfuzz ntp cookie master key", 64)

// UniqueID is the Unique Identifier the client targets expect echoed.
var UniqueID = derive("daemonfuzz ntp unique identifier", 32)

// AEADs lists the NTS AEAD algorithms facebook/time implements, in the order
// the targets try them.
var AEADs = []protocol.AEADAlgorithm{
	protocol.AEADAES128GCMSIV,
	protocol.AEADAESSIVCMAC256,
	protocol.AEADAESSIVCMAC512,
}

// SessionKeys returns the fixed client-to-server and server-to-client keys
// for alg.
func SessionKeys(alg protocol.AEADAlgorithm) (c2s, s2c []byte) {
	n := KeyLen(alg)
	return derive(fmt.Sprintf("c2s %d", alg), n), derive(fmt.Sprintf("s2c %d", alg), n)
}

// KeyLen is the per-direction session key length of alg, 0 if unknown.
func KeyLen(alg protocol.AEADAlgorithm) int {
	switch alg {
	case protocol.AEADAES128GCMSIV:
		return 16
	case protocol.AEADAESSIVCMAC256:
		return 32
	case protocol.AEADAESSIVCMAC512:
		return 64
	}
	return 0
}

var (
	keystoreOnce sync.Once
	keystore     *ntske.InMemoryKeystore
	keystoreErr  error
)

// Keystore returns the process-wide keystore holding MasterKey as key ID 1.
// Cookie nonces come from crypto/rand; seeds needing fixed cookies use
// SealCookie.
func Keystore() (*ntske.InMemoryKeystore, error) {
	keystoreOnce.Do(func() {
		keystore, keystoreErr = ntske.NewInMemoryKeystore(ntske.InMemoryKeystoreOptions{InitialKey: MasterKey})
	})
	return keystore, keystoreErr
}

// SealCookie seals the fixed session keys of alg under MasterKey with a fixed
// cookie nonce, so the same cookie comes out every time.
func SealCookie(alg protocol.AEADAlgorithm, nonce byte) ([]byte, error) {
	c2s, s2c := SessionKeys(alg)
	rnd := &repeatReader{b: nonce}
	return ntske.SealEnvelope(rnd, 1, MasterKey, alg, c2s, s2c)
}

type repeatReader struct{ b byte }

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b
	}
	return len(p), nil
}

// derive stretches a label into n deterministic octets.
func derive(label string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		sum := sha512.Sum512([]byte(fmt.Sprintf("%s/%d", label, i)))
		out = append(out, sum[:]...)
	}
	return out[:n]
}
