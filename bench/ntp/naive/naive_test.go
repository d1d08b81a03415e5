package naive

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/beevik/ntp"
	"github.com/facebook/time/ntp/chrony"
	"github.com/facebook/time/ntp/control"
	"github.com/facebook/time/ntp/ntske"
	"github.com/facebook/time/ntp/protocol"
)

func FuzzNaivePacket(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = protocol.BytesToPacket(data) })
}

func FuzzNaiveNTSKERecords(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = ntske.Parse(data) })
}

type replyConn struct{ reply []byte }

func (c *replyConn) Write(p []byte) (int, error) { return len(p), nil }
func (c *replyConn) Read(p []byte) (int, error) {
	n := copy(p, c.reply)
	c.reply = nil
	return n, nil
}

func FuzzNaiveChrony(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cl := &chrony.Client{Connection: &replyConn{reply: data}}
		_, _ = cl.Communicate(chrony.NewTrackingPacket())
	})
}

func FuzzNaiveControl(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cl := control.NTPClient{Connection: &replyConn{reply: bytes.Clone(data)}}
		_, _ = cl.Communicate(&control.NTPControlMsgHead{VnMode: control.MakeVnMode(2, control.Mode), REMOp: control.OpReadVariables})
	})
}

// echoServer answers every datagram with the current input, unchanged.
type echoServer struct {
	conn  *net.UDPConn
	mu    sync.Mutex
	reply []byte
}

var (
	serverOnce sync.Once
	server     *echoServer
)

func FuzzNaiveClient(f *testing.F) {
	serverOnce.Do(func() {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			f.Fatal(err)
		}
		server = &echoServer{conn: c}
		go func() {
			buf := make([]byte, 2048)
			for {
				_, from, err := c.ReadFromUDP(buf)
				if err != nil {
					return
				}
				server.mu.Lock()
				r := server.reply
				server.mu.Unlock()
				_, _ = c.WriteToUDP(r, from)
			}
		}()
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1500 {
			return
		}
		server.mu.Lock()
		server.reply = data
		server.mu.Unlock()
		_, _ = ntp.QueryWithOptions(server.conn.LocalAddr().String(), ntp.QueryOptions{Timeout: 2 * time.Second})
	})
}
