package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/beevik/ntp"
	"github.com/facebook/time/ntp/protocol"
)

// ntpQueries queries an NTP server at addr with beevik/ntp (v3 and v4) and
// with raw requests of every version and mode a server may answer, and
// keeps the replies.
func ntpQueries(addr string, rec *recorder, srcName func(string) string) error {
	for _, v := range []int{3, 4} {
		var tap *tapConn
		_, err := ntp.QueryWithOptions(addr, ntp.QueryOptions{Version: v, Timeout: 3 * time.Second,
			Dialer: func(_, raddr string) (net.Conn, error) {
				var err error
				tap, err = dialTap(raddr)
				return tap, err
			}})
		if tap == nil || len(tap.reads) == 0 {
			return fmt.Errorf("no NTPv%d reply from %s: %v", v, addr, err)
		}
		if err := rec.add("ntp", srcName(fmt.Sprintf("NTPv%d reply to beevik/ntp", v)), tap.reads[0]); err != nil {
			return err
		}
	}
	for _, req := range []struct {
		what       string
		vn, mode   uint8
		extraField bool
	}{
		{"NTPv1 client request", 1, 3, false}, {"NTPv2 client request", 2, 3, false},
		{"NTPv4 symmetric active", 4, 1, false}, {"NTPv4 client request with an extension field", 4, 3, true},
	} {
		sec, frac := protocol.Time(time.Now())
		p := protocol.Packet{Settings: req.vn<<3 | req.mode, Poll: 6, TxTimeSec: sec, TxTimeFrac: frac}
		if req.extraField {
			p.ExtensionFields = []protocol.ExtensionField{{Type: 0x0002, Body: make([]byte, 24)}}
		}
		b, err := p.Bytes()
		if err != nil {
			return err
		}
		tap, err := dialTap(addr)
		if err != nil {
			return err
		}
		_ = tap.SetDeadline(time.Now().Add(time.Second))
		_, _ = tap.Write(b)
		buf := make([]byte, 2048)
		_, _ = tap.Read(buf) // a server may rightly ignore some of these
		tap.Close()
		for _, r := range tap.reads {
			if err := rec.add("ntp", srcName("reply to an "+req.what), r); err != nil {
				return err
			}
		}
	}
	return nil
}

// source is a minimal stratum-2 NTP server for a daemon under capture to
// synchronise to; it keeps the daemon's requests.
type source struct {
	conn *net.UDPConn
	mu   sync.Mutex
	reqs [][]byte
}

func startSource(port int) (*source, error) {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		return nil, fmt.Errorf("start NTP source: %w", err)
	}
	s := &source{conn: c}
	go s.serve()
	return s, nil
}

func (s *source) serve() {
	buf := make([]byte, 2048)
	for {
		n, from, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		req, err := protocol.BytesToPacket(buf[:n])
		s.mu.Lock()
		if len(s.reqs) < 3 {
			s.reqs = append(s.reqs, append([]byte(nil), buf[:n]...))
		}
		s.mu.Unlock()
		if err != nil {
			continue
		}
		now := time.Now()
		sec, frac := protocol.Time(now)
		rsec, rfrac := protocol.Time(now.Add(-time.Minute))
		resp := protocol.Packet{Settings: req.Settings&0x38 | 4, Stratum: 2, Poll: req.Poll, Precision: -20,
			RootDelay: 0x100, RootDispersion: 0x200, ReferenceID: 0xc0000201,
			RefTimeSec: rsec, RefTimeFrac: rfrac, OrigTimeSec: req.TxTimeSec, OrigTimeFrac: req.TxTimeFrac,
			RxTimeSec: sec, RxTimeFrac: frac, TxTimeSec: sec, TxTimeFrac: frac}
		b, _ := resp.Bytes()
		_, _ = s.conn.WriteToUDP(b, from)
	}
}

func (s *source) requests() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

func (s *source) close() { s.conn.Close() }

// writeCert writes a self-signed P-256 certificate for localhost (the
// daemon's NTS-KE server certificate and the client's trust anchor).
func writeCert(dir string) (cert, key, ca string, err error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return "", "", "", err
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return "", "", "", err
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", "", "", err
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		return "", "", "", err
	}
	return cert, key, cert, nil
}
