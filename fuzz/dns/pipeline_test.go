package dnsfuzz

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/miekg/dns"
)

func frameOf(m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
}

func TestTCPPipeline(t *testing.T) {
	var in []byte
	for _, name := range []string{"www.example.org.", "1.2.0.192.in-addr.arpa.", "example.com.", "removed.example."} {
		in = append(in, frameOf(new(dns.Msg).SetQuestion(name, dns.TypeA))...)
	}
	in = append(in, 0, 3, 1, 2, 3) // a frame shorter than a header: no reply
	if err := TCPPipeline(in); err != nil {
		t.Fatal(err)
	}
	srv, err := startTCPServer()
	if err != nil {
		t.Fatal(err)
	}
	frames, stream := pipelined(in)
	replies, err := exchangeTCP(srv.tcp, stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 4 {
		t.Fatalf("%d replies to 4 queries and a short frame", len(replies))
	}
	rcodes := []int{dns.RcodeSuccess, dns.RcodeNameError, dns.RcodeRefused, dns.RcodeRefused}
	for i, r := range replies {
		var m dns.Msg
		if err := m.Unpack(r); err != nil || m.Rcode != rcodes[i] {
			t.Errorf("reply %d: rcode %d (%v), want %d (ServeMux routing)", i, m.Rcode, err, rcodes[i])
		}
	}
	// The oracles: a reply lost, a reply to nothing, replies swapped.
	wantViolation(t, checkPipelined(frames, replies[1:]), "invariant", "Reply")
	wantViolation(t, checkPipelined(frames[:3], replies), "invariant", "Reply.Count")
	swapped := append([][]byte{replies[1], replies[0]}, replies[2:]...)
	wantViolation(t, checkPipelined(frames, swapped), "invariant", "Reply")
	wantViolation(t, checkPipelined(frames[4:], replies[:1]), "invariant", "Reply.Count")
}

// TestTCPPipelineClientOracleFires points the client check at a server
// that hangs up on every connection.
func TestTCPPipelineClientOracleFires(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	frames, _ := pipelined(frameOf(new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA)))
	srv, err := startTCPServer()
	if err != nil {
		t.Fatal(err)
	}
	for how := 0; how < 3; how++ {
		if err := clientOnce(srv.tcp, frames, how); err != nil {
			t.Fatalf("way %d to the real server: %v", how, err)
		}
		wantViolation(t, clientOnce(ln.Addr().String(), frames, how), "invariant", "Client.Exchange")
	}
}
