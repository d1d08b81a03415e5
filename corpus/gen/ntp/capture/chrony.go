package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/facebook/time/ntp/chrony"
	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"
	"github.com/facebook/time/ntp/protocol/nts"
)

const (
	chronyNTPPort = 11123
	chronyNTSPort = 11460
	sourcePort    = 11124
)

func captureChrony(tmp string, rec *recorder) error {
	ver := version("chronyd", "--version")
	srcName := func(what string) string { return ver + ", loopback in a private network namespace: " + what }

	// A source for chronyd to poll; it also records chronyd's own requests.
	src, err := startSource(sourcePort)
	if err != nil {
		return err
	}
	defer src.close()

	cert, key, caFile, err := writeCert(tmp)
	if err != nil {
		return err
	}
	sock := filepath.Join(tmp, "chronyd.sock")
	conf := fmt.Sprintf(`server 127.0.0.1 port %d iburst minpoll 0 maxpoll 0
local stratum 8
allow 127.0.0.0/8
port %d
cmdport 0
bindcmdaddress %s
driftfile %s/drift
pidfile %s/chronyd.pid
ntsserverkey %s
ntsservercert %s
ntsport %d
ntsdumpdir %s
`, sourcePort, chronyNTPPort, sock, tmp, tmp, key, cert, chronyNTSPort, tmp)
	confPath := filepath.Join(tmp, "chrony.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("chronyd", "-x", "-d", "-u", "root", "-f", confPath)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start chronyd: %w", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	time.Sleep(8 * time.Second) // a few 1 s polls of the source

	if err := chronyCommands(tmp, sock, rec, srcName); err != nil {
		return err
	}
	if err := ntpQueries(fmt.Sprintf("127.0.0.1:%d", chronyNTPPort), rec, srcName); err != nil {
		return err
	}
	for _, req := range src.requests() {
		if err := rec.add("ntp", srcName("chronyd's client request to its source"), req); err != nil {
			return err
		}
	}
	return ntskeCapture(caFile, rec, srcName)
}

// chronyCommands asks chronyd everything facebook/time's chrony client can
// ask, over chronyd's Unix command socket, and keeps the replies.
func chronyCommands(tmp, sock string, rec *recorder, srcName func(string) string) error {
	laddr := &net.UnixAddr{Name: filepath.Join(tmp, "client.sock"), Net: "unixgram"}
	c, err := net.DialUnix("unixgram", laddr, &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("dial chronyd command socket: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	tap := &tapConn{Conn: c}
	cl := &chrony.Client{Connection: tap}
	ip := &chrony.IPAddr{IP: chrony.IPToBytes(net.IPv4(127, 0, 0, 1)), Family: chrony.IPAddrInet4}
	reqs := []struct {
		what string
		req  chrony.RequestPacket
	}{
		{"sources", chrony.NewSourcesPacket()},
		{"source data #0", chrony.NewSourceDataPacket(0)},
		{"source data #7 (no such source)", chrony.NewSourceDataPacket(7)},
		{"tracking", chrony.NewTrackingPacket()},
		{"source stats #0", chrony.NewSourceStatsPacket(0)},
		{"activity", chrony.NewActivityPacket()},
		{"server stats", chrony.NewServerStatsPacket()},
		{"ntp data 127.0.0.1", chrony.NewNTPDataPacket(ip)},
		{"source name 127.0.0.1", chrony.NewNTPSourceNamePacket(ip)},
		{"select data #0", chrony.NewSelectDataPacket(0)},
		{"client accesses by index", chrony.NewClientAccessesByIndexPacket(0, chrony.MaxClientAccessesByIndex, 0)},
	}
	for _, r := range reqs {
		before := len(tap.reads)
		_, err := cl.Communicate(r.req)
		if len(tap.reads) == before {
			return fmt.Errorf("chronyd did not answer %s: %v", r.what, err)
		}
		if err := rec.add("chrony", srcName("reply to "+r.what), tap.reads[len(tap.reads)-1]); err != nil {
			return err
		}
	}
	return nil
}

// ntskeCapture runs an NTS-KE exchange with chronyd over TLS 1.3 offering
// AES-SIV-CMAC-256 (chrony 4.3 derives AES-128-GCM-SIV keys with a
// non-compliant exporter context unless asked otherwise), keeping
// the request and response records, then spends one cookie on an NTS NTP
// request and keeps both packets.
func ntskeCapture(caFile string, rec *recorder, srcName func(string) string) error {
	conf, err := ntske.ClientTLSConfig(caFile)
	if err != nil {
		return err
	}
	conf.ServerName = "localhost"
	c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", chronyNTSPort), conf)
	if err != nil {
		return fmt.Errorf("NTS-KE dial chronyd: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	req, err := ntske.MarshalRecords([]ntske.Record{ntske.NewNextProtocol(0), ntske.NewAEADAlgorithm(15), ntske.NewEndOfMessage()})
	if err != nil {
		return err
	}
	if _, err := c.Write(req); err != nil {
		return err
	}
	resp, err := io.ReadAll(c)
	if err != nil && len(resp) == 0 {
		return fmt.Errorf("NTS-KE read chronyd: %w", err)
	}
	if err := rec.add("ntske", srcName("NTS-KE request as facebook/time's client sends it"), req); err != nil {
		return err
	}
	if err := rec.add("ntske", srcName("chronyd NTS-KE response"), resp); err != nil {
		return err
	}
	recs, err := ntske.Parse(resp)
	if err != nil {
		return fmt.Errorf("parse chronyd NTS-KE response: %w", err)
	}
	var aead uint16
	var cookie []byte
	for _, r := range recs {
		switch r.Type {
		case ntske.RecordAEADAlgorithm:
			if v, err := ntske.ParseUint16s(r.Body); err == nil && len(v) > 0 {
				aead = v[0]
			}
		case ntske.RecordNewCookie:
			if cookie == nil {
				cookie = r.Body
			}
		}
	}
	n := map[uint16]int{30: 16, 15: 32, 17: 64}[aead]
	if n == 0 || cookie == nil {
		return fmt.Errorf("chronyd NTS-KE response without AEAD or cookie: %+v", recs)
	}
	cs := c.ConnectionState()
	ctx := func(dir byte) []byte { return []byte{0, 0, byte(aead >> 8), byte(aead), dir} }
	c2s, err := cs.ExportKeyingMaterial("EXPORTER-network-time-security", ctx(0), n)
	if err != nil {
		return err
	}
	uid := make([]byte, 32)
	for i := range uid {
		uid[i] = byte(i * 7)
	}
	sec, frac := protocol.Time(time.Now())
	ntsReq, err := nts.BuildNTSRequest(protocol.Packet{Settings: 0x23, TxTimeSec: sec, TxTimeFrac: frac}, nts.RequestParams{
		AEAD: protocol.AEADAlgorithm(aead), C2S: c2s, Cookie: cookie, UniqueID: uid, Placeholders: 1,
	})
	if err != nil {
		return err
	}
	if err := rec.add("ntp", srcName(fmt.Sprintf("NTS request with a chronyd cookie, AEAD %d", aead)), ntsReq); err != nil {
		return err
	}
	tap, err := dialTap(fmt.Sprintf("127.0.0.1:%d", chronyNTPPort))
	if err != nil {
		return err
	}
	defer tap.Close()
	if _, err := tap.Write(ntsReq); err != nil {
		return err
	}
	buf := make([]byte, 2048)
	if _, err := tap.Read(buf); err != nil {
		// chronyd 4.3 drops facebook/time's AES-SIV request (its
		// authenticator carries no nonce); keep what was captured.
		fmt.Fprintf(os.Stderr, "capture: chronyd did not answer the NTS request: %v\n", err)
		return nil
	}
	return rec.add("ntp", srcName(fmt.Sprintf("NTS response, AEAD %d", aead)), tap.reads[0])
}
