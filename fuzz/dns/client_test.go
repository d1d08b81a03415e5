package dnsfuzz

import (
	"errors"
	"testing"

	"github.com/miekg/dns"
)

func TestClientExchangeOracles(t *testing.T) {
	good := sentinel(0x1234)
	var m dns.Msg
	if err := m.Unpack(good); err != nil {
		t.Fatal(err)
	}
	if err := checkExchange("UDP", outcome{reply: good}, &m, nil); err != nil {
		t.Fatal(err)
	}
	other := m.Copy()
	other.Question[0].Qtype = dns.TypeAAAA
	wantViolation(t, checkExchange("UDP", outcome{reply: good}, other, nil), "client", "Msg.Question[0].Qtype")
	wantViolation(t, checkExchange("UDP", outcome{err: errUnpack}, &m, nil), "client", "UDP.Accept")
	wantViolation(t, checkExchange("TCP", outcome{err: dns.ErrId}, nil, errors.New("EOF")), "client", "TCP.ErrId")
	wantViolation(t, checkExchange("UDP", outcome{reply: good}, nil, errors.New("refused")), "client", "UDP.Accept")
}

// TestClientExchangeMalformedDatagramAborts shows, with miekg/dns's
// Client alone against the loopback server, that one malformed datagram
// ends a UDP exchange with an error even though its ID is not the query's
// and a well-formed matching reply follows: an off-path sender who finds
// the client's port can cancel its queries without guessing the ID
// (RFC 5452 9.1 asks resolvers to discard what does not match).
func TestClientExchangeMalformedDatagramAborts(t *testing.T) {
	srv, err := startExchangeServer()
	if err != nil {
		t.Fatal(err)
	}
	q := new(dns.Msg)
	q.SetQuestion("example.com.", dns.TypeA)
	srv.set(script{udp: [][]byte{{0xde, 0xad, 0xbe}}}, q.Id)
	c := &dns.Client{Net: "udp"}
	if _, _, err := c.Exchange(q, srv.udp.LocalAddr().String()); err == nil {
		t.Skip("Client.Exchange skips a malformed datagram now")
	} else {
		t.Logf("miekg/dns Client.Exchange: a 3-octet datagram before the real reply: %v", err)
	}
}

func TestClientExchangeFollowsTheScript(t *testing.T) {
	msg := sentinel(0)
	tc := append([]byte(nil), msg...)
	tc[2] |= 0x02
	in := append([]byte{1}, byte(len(tc)>>8), byte(len(tc)))
	in = append(append(in, tc...), msg...)
	if err := ClientExchange(in); err != nil {
		t.Fatal(err)
	}
}
