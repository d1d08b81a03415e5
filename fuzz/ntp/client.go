package ntpfuzz

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/beevik/ntp"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// queryMu serialises queries: the peer holds one reply at a time.
var queryMu sync.Mutex

// clientTimeout bounds a query. The peer answers every request at once, so
// it is only reached when a reply cannot be sent (see udpPeer) or the
// machine is overloaded; a query that timed out is not judged.
const clientTimeout = 5 * time.Second

// beevikQuery runs ntp.QueryWithOptions against the loopback peer answering
// with data and returns the response, its error and the datagram the client
// received. The query version follows the reply's version field (5 selects
// beevik's NTPv5 client, 3 its NTPv3 one, anything else NTPv4), so each
// parser sees the replies meant for it.
func beevikQuery(data []byte) (*ntp.Response, []byte, error) {
	p, err := sharedPeer()
	if err != nil {
		return nil, nil, err
	}
	queryMu.Lock()
	defer queryMu.Unlock()
	p.set(data)
	opt := ntp.QueryOptions{Timeout: clientTimeout, Version: 4}
	if len(data) > 0 {
		switch data[0] >> 3 & 7 {
		case 3:
			opt.Version = 3
		case 5:
			opt.Version = 5
			opt.RequestReferenceTime = true
			opt.RequestMonotonic = true
			opt.RequestSupportedVersions = true
			opt.RequestCorrection = true
			opt.RequestReferenceID = ntp.ReferenceIDRequest{ChunkOffset: 0, ChunkSize: 16}
			opt.AdditionalTimescales = []ntp.Timescale{ntp.TimescaleTAI}
		}
	}
	r, qerr := ntp.QueryWithOptions(p.addr(), opt)
	return r, p.lastSent(), qerr
}

// Client answers beevik/ntp's client with data through a loopback UDP server
// and checks what the client makes of it:
//   - invariant: an accepted reply has the version and stratum on the wire,
//     and Response.Validate never accepts a reply RFC 5905 calls unusable
//     (stratum 0 or >= 16, leap 3 in NTPv3/4, root distance over 16 s);
//   - no panic or hang in parsing, validation, or formatting (Log,
//     ReferenceString).
func Client(data []byte) error {
	if len(data) > maxPeerReply {
		return nil
	}
	r, wire, err := beevikQuery(data)
	if err != nil || r == nil {
		return nil
	}
	return checkResponse(r, wire, (*ntp.Response).Validate)
}

// checkResponse judges beevik/ntp's response r to wire; validate is
// Response.Validate (a parameter so tests can prove the oracle fails).
func checkResponse(r *ntp.Response, wire []byte, validate func(*ntp.Response) error) error {
	version, stratum, leap := int(wire[0]>>3&7), wire[1], wire[0]>>6
	if r.Version != version {
		return harness.Violated("invariant", "Version", "response says %d, wire %d", r.Version, version)
	}
	if r.Stratum != stratum {
		return harness.Violated("invariant", "Stratum", "response says %d, wire %d", r.Stratum, stratum)
	}
	r.Log(io.Discard)
	_ = r.ReferenceString()
	if validate(r) != nil {
		return nil
	}
	var why string
	switch {
	case stratum == 0 || stratum >= 16:
		why = fmt.Sprintf("stratum %d", stratum)
	case version < 5 && leap == 3:
		why = "leap indicator 3 (unsynchronised)"
	case r.RootDelay/2+r.RootDispersion > 16*time.Second:
		why = fmt.Sprintf("root distance %v over 16 s", r.RootDelay/2+r.RootDispersion)
	default:
		return nil
	}
	return harness.Violated("invariant", "Validate", "accepted an unusable reply: %s", why)
}
