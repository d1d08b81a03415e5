// address.go is one target (beevik/ntp's address and option handling against
// net.SplitHostPort/ResolveUDPAddr and a loopback server); it is over 400
// lines because its oracle is a model of every option the client takes, kept
// beside the target that feeds it.

package ntpfuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beevik/ntp"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// This file fuzzes what beevik/ntp's client takes from configuration rather
// than from the network: the server address string of Query and
// QueryWithOptions and the query options. The input is text: the first
// line is the address, verbatim; each further line is an option,
//
//	version N | port N | local ADDR | ttl N | timeout MS | dial
//	v5 reftime | v5 monotonic | v5 correction | v5 versions | v5 interleaved
//	v5 refid OFFSET SIZE | timescale N | also N | cookie N
//
// ("dial" selects the deprecated Dial callback instead of Dialer). No query
// leaves the machine and nothing is looked up in the DNS: the dialer the
// client is given records the address it derived and always connects to a
// server of this process on loopback, which answers every request with a
// well-formed reply of the request's version.

// addrQuery is a parsed input.
type addrQuery struct {
	addr string
	opt  ntp.QueryOptions
	dial bool // use the deprecated Dial callback
}

// clampTimeout keeps a query short: the server answers at once, so the
// timeout only matters when the client dials nowhere.
func clampTimeout(ms int) time.Duration {
	return time.Duration(min(max(ms, 100), 2000)) * time.Millisecond
}

func parseAddrQuery(data []byte) addrQuery {
	lines := strings.Split(string(data), "\n")
	q := addrQuery{addr: lines[0], opt: ntp.QueryOptions{Timeout: clampTimeout(0)}}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		n := func(i int) int {
			if i >= len(f) {
				return 0
			}
			v, _ := strconv.Atoi(f[i])
			return v
		}
		o := &q.opt
		switch strings.Join(f[:min(2, len(f))], " ") {
		case "v5 reftime":
			o.RequestReferenceTime = true
		case "v5 monotonic":
			o.RequestMonotonic = true
		case "v5 correction":
			o.RequestCorrection = true
		case "v5 versions":
			o.RequestSupportedVersions = true
		case "v5 interleaved":
			o.RequestInterleavedMode = true
		case "v5 refid":
			o.RequestReferenceID = ntp.ReferenceIDRequest{ChunkOffset: uint16(n(2)), ChunkSize: uint16(n(3))}
		}
		switch f[0] {
		case "version":
			o.Version = n(1)
		case "port":
			o.Port = n(1)
		case "local":
			if len(f) > 1 {
				o.LocalAddress = f[1]
			}
		case "ttl":
			o.TTL = n(1)
		case "timeout":
			o.Timeout = clampTimeout(n(1))
		case "timescale":
			o.Timescale = ntp.Timescale(n(1))
		case "also":
			o.AdditionalTimescales = append(o.AdditionalTimescales, ntp.Timescale(n(1)))
		case "cookie":
			o.ServerCookie = uint64(n(1))
		case "dial":
			q.dial = true
		}
	}
	return q
}

// endpoint is where an address string points: a literal IP (with zone) or
// a host name, and a port.
type endpoint struct {
	ip   netip.Addr // valid for a literal or empty host
	name string     // a host name, never looked up
	port int
}

func (e endpoint) String() string {
	if e.name != "" {
		return fmt.Sprintf("name %q port %d", e.name, e.port)
	}
	return fmt.Sprintf("ip %v port %d", e.ip, e.port)
}

// hostEndpoint reads host and port the way net.ResolveUDPAddr does (the
// call beevik/ntp's default dialer makes), without ever asking the DNS:
// a literal is resolved by net.ResolveUDPAddr itself; a name is kept as
// text. The port is a number or a service name of the local services
// database, as net.LookupPort reads it.
func hostEndpoint(host, port string) (endpoint, error) {
	p, err := net.LookupPort("udp", port)
	if err != nil {
		return endpoint{}, err
	}
	plain, _, _ := strings.Cut(host, "%")
	if _, err := netip.ParseAddr(plain); err == nil || host == "" {
		a, err := net.ResolveUDPAddr("udp", net.JoinHostPort(host, port))
		if err != nil {
			return endpoint{}, err
		}
		return endpoint{ip: a.AddrPort().Addr().Unmap(), port: a.Port}, nil
	}
	if strings.ContainsAny(host, "%[]: \t") {
		return endpoint{}, fmt.Errorf("host %q: neither a literal nor a name", host)
	}
	return endpoint{name: host, port: p}, nil
}

// referenceEndpoint is the independent reading of the forms Query
// documents, "host", "host:port", "host%zone:port", "[host]:port",
// "[host%zone]:port" and an IPv6 literal without a port, through the
// standard library: a host:port that net.SplitHostPort splits is used as
// split; anything else is a host without a port (brackets removed), which
// gets the default port.
func referenceEndpoint(addr string, defaultPort int) (endpoint, error) {
	if addr == "" {
		return endpoint{}, errors.New("empty address")
	}
	if h, p, err := net.SplitHostPort(addr); err == nil {
		return hostEndpoint(h, p)
	}
	h := addr
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	return hostEndpoint(h, strconv.Itoa(defaultPort))
}

// dialRecord is what the client handed its dialer.
type dialRecord struct {
	called        bool
	local, remote string
	rhost         string // the deprecated Dial callback's host and port
	rport         int
}

var errNotLoopback = errors.New("ntpfuzz: the address test dials only this process's loopback server")

// loopbackDial connects to the answering server of the local address's
// family, from that local address when it is a loopback or unspecified
// literal, and refuses anything else (names are never looked up).
func loopbackDial(local string) (net.Conn, error) {
	srv, err := sharedAnswerer()
	if err != nil {
		return nil, err
	}
	var laddr *net.UDPAddr
	if local != "" {
		a, err := netip.ParseAddr(local)
		if err != nil || !(a.IsLoopback() || a.IsUnspecified()) {
			return nil, errNotLoopback
		}
		laddr = &net.UDPAddr{IP: a.AsSlice(), Zone: a.Zone()}
	}
	raddr := srv.v4.LocalAddr().(*net.UDPAddr)
	if laddr != nil && laddr.IP.To4() == nil {
		if srv.v6 == nil {
			return nil, errNotLoopback
		}
		raddr = srv.v6.LocalAddr().(*net.UDPAddr)
	}
	return net.DialUDP("udp", laddr, raddr)
}

// ClientAddress gives beevik/ntp's QueryWithOptions an address string and
// options (see parseAddrQuery) and checks:
//   - differential: the endpoint the client derives from the address (the
//     host:port it hands its dialer, resolved by net.ResolveUDPAddr for
//     literals) is the one net.SplitHostPort and net.ResolveUDPAddr give
//     for the documented forms, and the client refuses exactly the
//     addresses they refuse; the deprecated Dial callback gets the same
//     host and a port in 0-65535;
//   - invariant: versions other than 3, 4 and 5 are refused before any
//     dialling; the request on the wire has the asked version and client
//     mode; a successful query reports the server's version and stratum;
//     the local address reaches the dialer as given;
//   - no panic in the client or its option handling.
func ClientAddress(data []byte) error {
	q := parseAddrQuery(data)
	rec, r, qerr, req, err := runAddrQuery(q)
	if err != nil {
		return err
	}
	return checkAddrQuery(q, rec, r, qerr, req)
}

// runAddrQuery runs q against the loopback server and returns what the
// dialer was given, the query's result and the request the server got.
func runAddrQuery(q addrQuery) (rec dialRecord, r *ntp.Response, qerr error, req []byte, err error) {
	srv, err := sharedAnswerer()
	if err != nil {
		return rec, nil, nil, nil, err
	}
	opt := q.opt
	if q.dial {
		opt.Dial = func(la string, _ int, ra string, rp int) (net.Conn, error) {
			rec = dialRecord{called: true, local: la, rhost: ra, rport: rp}
			return loopbackDial(la)
		}
	} else {
		opt.Dialer = func(la, ra string) (net.Conn, error) {
			rec = dialRecord{called: true, local: la, remote: ra}
			return loopbackDial(la)
		}
	}
	answerMu.Lock()
	defer answerMu.Unlock()
	srv.reset()
	r, qerr = ntp.QueryWithOptions(q.addr, opt)
	return rec, r, qerr, srv.lastRequest(), nil
}

func checkAddrQuery(q addrQuery, rec dialRecord, r *ntp.Response, qerr error, req []byte) error {
	version := q.opt.Version
	if version == 0 {
		version = 4
	}
	if version < 3 || version > 5 {
		if qerr == nil || rec.called {
			return harness.Violated("invariant", "Version", "version %d: query error %v, dialled %v", q.opt.Version, qerr, rec.called)
		}
		return nil
	}
	port := q.opt.Port
	if port == 0 {
		port = 123
	}
	want, werr := referenceEndpoint(q.addr, port)
	if err := checkDerived(q, rec, want, werr); err != nil {
		return err
	}
	if !rec.called {
		return nil
	}
	if rec.local != q.opt.LocalAddress {
		return harness.Violated("invariant", "LocalAddress", "dialer got %q, options say %q", rec.local, q.opt.LocalAddress)
	}
	if len(req) >= 48 && (int(req[0]>>3&7) != version || req[0]&7 != 3) {
		return harness.Violated("invariant", "Request.Version", "asked for version %d, sent version %d mode %d", version, req[0]>>3&7, req[0]&7)
	}
	if qerr == nil && r != nil && (r.Version != version || r.Stratum != answerStratum) {
		return harness.Violated("invariant", "Response", "version %d stratum %d, server sent version %d stratum %d", r.Version, r.Stratum, version, answerStratum)
	}
	return nil
}

// checkDerived compares the client's reading of the address with the
// reference reading.
func checkDerived(q addrQuery, rec dialRecord, want endpoint, werr error) error {
	if q.dial {
		if !rec.called {
			return nil // Dial gets no service names: SplitHostPort+Atoi only
		}
		if rec.rport < 0 || rec.rport > 65535 {
			return harness.Violated("invariant", "Dial.rport", "address %q: Dial callback got port %d", q.addr, rec.rport)
		}
		if werr != nil {
			return nil // Atoi accepts "+123" where LookupPort does not
		}
		got, err := hostEndpoint(rec.rhost, strconv.Itoa(rec.rport))
		if err != nil || got != want {
			return harness.Violated("differential", "Dial.Address", "address %q: Dial callback got %q port %d (%v), reference %v", q.addr, rec.rhost, rec.rport, err, want)
		}
		return nil
	}
	var got endpoint
	gerr := errors.New("refused before dialling")
	if rec.called {
		if h, p, err := net.SplitHostPort(rec.remote); err != nil {
			gerr = fmt.Errorf("dialer got %q, not host:port: %w", rec.remote, err)
		} else {
			got, gerr = hostEndpoint(h, p)
		}
	}
	switch {
	case gerr != nil && werr == nil:
		return harness.Violated("differential", "Address.Refused", "address %q: client %v; reference reads %v", q.addr, gerr, want)
	case gerr == nil && werr != nil:
		return harness.Violated("differential", "Address.Accepted", "address %q: client dials %v (from %q); reference: %v", q.addr, got, rec.remote, werr)
	case gerr == nil && got != want:
		return harness.Violated("differential", "Address.Endpoint", "address %q: client dials %v (from %q), reference %v", q.addr, got, rec.remote, want)
	}
	return nil
}

// answerer is an NTP server on loopback (IPv4, and IPv6 where the host has
// it) answering each request with a well-formed reply of its version.
type answerer struct {
	v4, v6 *net.UDPConn
	mu     sync.Mutex
	req    []byte
}

// answerMu serialises queries: the server keeps one request at a time.
var answerMu sync.Mutex

const answerStratum = 2

var (
	answerOnce sync.Once
	answerSrv  *answerer
	answerErr  error
)

func sharedAnswerer() (*answerer, error) {
	answerOnce.Do(func() {
		a := &answerer{}
		if a.v4, answerErr = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}); answerErr != nil {
			answerErr = fmt.Errorf("ntpfuzz: start loopback NTP server: %w", answerErr)
			return
		}
		a.v6, _ = net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback}) // no IPv6: v4 only
		go a.serve(a.v4)
		if a.v6 != nil {
			go a.serve(a.v6)
		}
		answerSrv = a
	})
	return answerSrv, answerErr
}

func (a *answerer) reset() {
	a.mu.Lock()
	a.req = nil
	a.mu.Unlock()
}

func (a *answerer) lastRequest() []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.req
}

func (a *answerer) serve(c *net.UDPConn) {
	buf := make([]byte, 65536)
	for {
		n, from, err := c.ReadFromUDP(buf)
		if err != nil {
			return
		}
		req := bytes.Clone(buf[:n])
		a.mu.Lock()
		a.req = req
		a.mu.Unlock()
		if len(req) < 48 {
			continue
		}
		_, _ = c.WriteToUDP(answer(wellFormedReply(int(req[0]>>3&7)), req), from)
	}
}

// wellFormedReply is a synchronised stratum 2 server reply of the given
// version, timestamped now: the NTPv4 header of RFC 5905, or the NTPv5
// header and draft identification field of draft-ietf-ntp-ntpv5-09 (the
// draft beevik/ntp implements). answer copies the request's anti-spoofing
// value in.
func wellFormedReply(version int) []byte {
	now := time.Now()
	sec := uint32(now.Unix() + ntpUnixOffset)
	frac := uint32((uint64(now.Nanosecond()) << 32) / 1e9)
	b := []byte{byte(version&7)<<3 | 4, answerStratum, 6, 0xec}
	b = binary.BigEndian.AppendUint32(b, 0x00000a3d) // root delay
	b = binary.BigEndian.AppendUint32(b, 0x00001f5c) // root dispersion
	if version == 5 {
		b = append(b, 0, 0, 0, 1)                                     // timescale UTC, era 0, flags: synchronised
		b = append(b, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88) // server cookie
		b = append(b, make([]byte, 8)...)                             // client cookie
	} else {
		b = append(b, 127, 0, 0, 1) // reference id
		b = binary.BigEndian.AppendUint32(b, sec-16)
		b = binary.BigEndian.AppendUint32(b, 0)
		b = append(b, make([]byte, 8)...) // origin
	}
	b = binary.BigEndian.AppendUint32(b, sec)
	b = binary.BigEndian.AppendUint32(b, frac)
	b = binary.BigEndian.AppendUint32(b, sec)
	b = binary.BigEndian.AppendUint32(b, frac+0x1000)
	if version == 5 {
		id := []byte("draft-ietf-ntp-ntpv5-09\x00")
		b = binary.BigEndian.AppendUint16(b, 0xf5ff)
		b = binary.BigEndian.AppendUint16(b, uint16(4+len(id)))
		b = append(b, id...)
	}
	return b
}
