package ntpfuzz

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/beevik/ntp"
)

// TestClientAddressReachesTheServer: the documented forms and every
// version get a reply from the loopback server, so the response oracles
// run (a target whose queries all fail would check nothing).
func TestClientAddressReachesTheServer(t *testing.T) {
	for _, in := range []string{"127.0.0.1", "[::1]:123\nlocal ::1", "localhost:123\nversion 3\ndial", "localhost:ntp", "::1\nversion 5\nv5 reftime\nv5 versions"} {
		q := parseAddrQuery([]byte(in))
		if q.opt.LocalAddress == "::1" {
			if s, err := sharedAnswerer(); err != nil || s.v6 == nil {
				continue // no IPv6 loopback here
			}
		}
		rec, r, qerr, req, err := runAddrQuery(q)
		if err != nil || qerr != nil || r == nil || len(req) < 48 {
			t.Fatalf("%q: %v %v %v, request of %d octets", in, err, qerr, r, len(req))
		}
		if err := checkAddrQuery(q, rec, r, qerr, req); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
	}
}

func TestClientAddressOracles(t *testing.T) {
	v4 := endpoint{ip: netip.MustParseAddr("127.0.0.1"), port: 123}
	q := parseAddrQuery([]byte("127.0.0.1"))
	wantViolation(t, checkDerived(q, dialRecord{}, v4, nil), "differential", "Address.Refused")
	wantViolation(t, checkDerived(q, dialRecord{called: true, remote: "127.0.0.1:123"}, v4, errors.New("no")), "differential", "Address.Accepted")
	wantViolation(t, checkDerived(q, dialRecord{called: true, remote: "127.0.0.1:124"}, v4, nil), "differential", "Address.Endpoint")
	wantViolation(t, checkDerived(q, dialRecord{called: true, remote: "127.0.0.1"}, v4, nil), "differential", "Address.Refused")
	qd := parseAddrQuery([]byte("127.0.0.1\ndial"))
	wantViolation(t, checkDerived(qd, dialRecord{called: true, rhost: "127.0.0.1", rport: -1}, v4, nil), "invariant", "Dial.rport")
	wantViolation(t, checkDerived(qd, dialRecord{called: true, rhost: "127.0.0.2", rport: 123}, v4, nil), "differential", "Dial.Address")

	bad := parseAddrQuery([]byte("127.0.0.1\nversion 6"))
	wantViolation(t, checkAddrQuery(bad, dialRecord{called: true}, nil, errors.New("x"), nil), "invariant", "Version")
	wantViolation(t, checkAddrQuery(bad, dialRecord{}, nil, nil, nil), "invariant", "Version")
	wantViolation(t, checkAddrQuery(q, dialRecord{called: true, remote: "127.0.0.1:123", local: "::1"}, nil, nil, nil), "invariant", "LocalAddress")
	req := wellFormedReply(3)
	req[0] = 3<<3 | 3
	wantViolation(t, checkAddrQuery(q, dialRecord{called: true, remote: "127.0.0.1:123"}, nil, nil, req), "invariant", "Request.Version")
	wantViolation(t, checkAddrQuery(q, dialRecord{called: true, remote: "127.0.0.1:123"}, &ntp.Response{Version: 4, Stratum: 3}, nil, nil), "invariant", "Response")
}
