package ntpfuzz

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/facebook/time/ntp/ntske"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// NTSKERecords parses data with ntske.Parse, the NTS-KE record decoder both
// the client and the server run on a message, and requires:
//   - roundtrip: MarshalRecords gives data back byte for byte (records carry
//     no padding, so the encoding is exact), and so does marshalling each
//     record alone;
//   - roundtrip: every even-length body reads as 16-bit integers
//     (ParseUint16s) that MarshalUint16s writes back unchanged.
func NTSKERecords(data []byte) error {
	recs, err := ntske.Parse(data)
	if err != nil {
		return nil
	}
	return checkRecords(data, recs)
}

// checkRecords holds the records ntske.Parse returned for data to
// NTSKERecords' oracles.
func checkRecords(data []byte, recs []ntske.Record) error {
	all, err := ntske.MarshalRecords(recs)
	if err != nil {
		return harness.Violated("roundtrip", "MarshalRecords", "parsed records do not marshal: %v", err)
	}
	if !bytes.Equal(all, data) {
		return harness.Violated("roundtrip", "MarshalRecords", "marshalled %x, input %x", all, data)
	}
	var one []byte
	for i, r := range recs {
		b, err := r.Marshal()
		if err != nil {
			return harness.Violated("roundtrip", fmt.Sprintf("Records[%d].Marshal", i), "%v", err)
		}
		one = append(one, b...)
		if len(r.Body)%2 != 0 {
			continue
		}
		vals, err := ntske.ParseUint16s(r.Body)
		if err != nil {
			return harness.Violated("invariant", fmt.Sprintf("Records[%d].ParseUint16s", i), "even body rejected: %v", err)
		}
		if back := ntske.MarshalUint16s(vals); !bytes.Equal(back, r.Body) {
			return harness.Violated("roundtrip", fmt.Sprintf("Records[%d].Uint16s", i), "%x became %x", r.Body, back)
		}
	}
	if !bytes.Equal(one, data) {
		return harness.Violated("roundtrip", "Record.Marshal", "record by record %x, input %x", one, data)
	}
	return nil
}

// keMessage is the first NTS-KE message of a record stream, read the way
// RFC 8915 section 4 frames it: records up to and including the first End
// of Message. complete is false when the stream ends first.
type keMessage struct {
	recs     []ntske.Record
	complete bool
}

// firstMessage frames records from data independently of ntske.
func firstMessage(data []byte) keMessage {
	var m keMessage
	for len(data) >= 4 {
		word, n := binary.BigEndian.Uint16(data), int(binary.BigEndian.Uint16(data[2:]))
		if 4+n > len(data) {
			return m
		}
		r := ntske.Record{Critical: word&0x8000 != 0, Type: word & 0x7fff, Body: data[4 : 4+n]}
		m.recs = append(m.recs, r)
		data = data[4+n:]
		if r.Type == ntske.RecordEndOfMessage {
			m.complete = true
			return m
		}
	}
	return m
}

// knownKERecord reports whether t is a record type facebook/time's NTS-KE
// implementation recognises.
func knownKERecord(t uint16) bool {
	return t <= ntske.RecordPortNegotiation || t == ntske.RecordCompliant128GCMExport
}

func uint16s(b []byte) ([]uint16, bool) {
	if len(b)%2 != 0 {
		return nil, false
	}
	out := make([]uint16, len(b)/2)
	for i := range out {
		out[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return out, true
}

// keTLS is the process-wide TLS material for the NTS-KE targets: a fresh
// self-signed P-256 certificate for 127.0.0.1 and configs for both ends.
type keTLS struct {
	server, client *tls.Config
}

var (
	keTLSOnce sync.Once
	keTLSVal  *keTLS
	keTLSErr  error
)

func sharedKETLS() (*keTLS, error) {
	keTLSOnce.Do(func() { keTLSVal, keTLSErr = newKETLS() })
	return keTLSVal, keTLSErr
}

func newKETLS() (*keTLS, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ntpfuzz: NTS-KE key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "daemonfuzz nts-ke"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("ntpfuzz: NTS-KE certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &keTLS{
		server: &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
			MinVersion:   tls.VersionTLS13, NextProtos: []string{ntske.ALPNProtocol},
		},
		client: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS13, NextProtos: []string{ntske.ALPNProtocol},
			// Resumption skips certificate signing and verification, the
			// bulk of a handshake's cost; the NTS-KE code runs the same.
			ClientSessionCache: tls.NewLRUClientSessionCache(4)},
	}, nil
}

// exporterKey derives one NTS-KE session key from a TLS session as RFC 8915
// section 5.1 defines it, independently of ntske.
func exporterKey(cs tls.ConnectionState, alg uint16, direction byte, n int) ([]byte, error) {
	ctx := []byte{0, 0, byte(alg >> 8), byte(alg), direction}
	return cs.ExportKeyingMaterial("EXPORTER-network-time-security", ctx, n)
}
