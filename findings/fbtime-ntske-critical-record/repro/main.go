// Command repro shows that github.com/facebook/time's NTS-KE client
// (ntske.Client.Handshake) accepts a response carrying a record of an
// unrecognised type with the Critical bit set, which RFC 8915 section 4
// requires it to treat as an error.
//
// It runs an NTS-KE server on a loopback TLS 1.3 listener (self-signed
// certificate, ALPN "ntske/1") that answers with a valid response plus one
// critical record of unassigned type 24837, and exits 1 when Handshake
// succeeds, 0 when it returns an error.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"

	"github.com/facebook/time/ntp/ntske"
)

const aesSIVCMAC256 = 15 // an AEAD the client offers by default

func main() {
	cert, pool := selfSigned()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS13,
		NextProtos:   []string{ntske.ALPNProtocol},
	})
	if err != nil {
		fail(err)
	}
	defer ln.Close()
	go serve(ln, []ntske.Record{
		ntske.NewNextProtocol(ntske.NextProtocolNTPv4),
		ntske.NewAEADAlgorithm(aesSIVCMAC256),
		ntske.NewCookie([]byte{1, 2, 3, 4}),
		{Critical: true, Type: 24837, Body: []byte{0xde, 0xad}},
		ntske.NewEndOfMessage(),
	})

	c := &ntske.Client{Timeout: 10 * time.Second}
	res, err := c.Handshake(context.Background(), ln.Addr().String(), &tls.Config{RootCAs: pool})
	if err != nil {
		fmt.Printf("absent: Handshake rejected a response with an unrecognised critical record: %v\n", err)
		return
	}
	fmt.Printf("present: Handshake accepted a response with an unrecognised critical record (type 24837): AEAD %d, %d cookie(s)\n", res.AEAD, len(res.Cookies))
	os.Exit(1)
}

// serve answers one NTS-KE request with records.
func serve(ln net.Listener, records []ntske.Record) {
	conn, err := ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	buf := make([]byte, 1024)
	if _, err := conn.Read(buf); err != nil { // the request (one TLS record)
		return
	}
	out, err := ntske.MarshalRecords(records)
	if err != nil {
		fail(err)
	}
	conn.Write(out)
}

func selfSigned() (tls.Certificate, *x509.CertPool) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fail(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		fail(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		fail(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}, pool
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "repro:", err)
	os.Exit(2)
}
