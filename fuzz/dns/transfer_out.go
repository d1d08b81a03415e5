package dnsfuzz

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// xfrSOA is the zone's SOA the Out side frames the fuzzed records with.
var xfrSOA = func() *dns.SOA {
	rr, err := dns.NewRR(xfrZone + " 3600 IN SOA ns1." + xfrZone + " hostmaster." + xfrZone + " 2024010101 7200 3600 1209600 300")
	if err != nil {
		panic("dnsfuzz: xfrSOA: " + err.Error())
	}
	return rr.(*dns.SOA)
}()

// maxOutEnvelopes bounds the envelopes one Out exchange sends.
const maxOutEnvelopes = 8

// outEnvelopes frames the answer records of the frames that unpack (SOAs
// dropped, and records that do not survive Pack -> Unpack alone: Wire's
// findings) as a primary serves them: AXFR as SOA, records, SOA; IXFR as
// an incremental reply (RFC 1995 4) from serial-1 that deletes them all.
func outEnvelopes(s xfrScript, frames [][]byte) [][]dns.RR {
	var envs [][]dns.RR
	for _, f := range frames {
		if len(envs) == maxOutEnvelopes {
			break
		}
		var m dns.Msg
		if m.Unpack(f) != nil {
			continue
		}
		var rrs []dns.RR
		for _, rr := range m.Answer {
			if rr.Header().Rrtype != dns.TypeSOA && survivesWire(rr) {
				rrs = append(rrs, rr)
			}
		}
		envs = append(envs, rrs)
	}
	if len(envs) == 0 {
		envs = [][]dns.RR{nil}
	}
	soa := dns.Copy(xfrSOA)
	if s.ixfr {
		old := dns.Copy(xfrSOA).(*dns.SOA)
		old.Serial--
		envs[0] = append([]dns.RR{soa, old}, envs[0]...)
		envs[len(envs)-1] = append(envs[len(envs)-1], dns.Copy(xfrSOA), dns.Copy(xfrSOA))
	} else {
		envs[0] = append([]dns.RR{soa}, envs[0]...)
		envs[len(envs)-1] = append(envs[len(envs)-1], dns.Copy(xfrSOA))
	}
	return envs
}

// survivesWire reports whether rr alone packs and unpacks to itself.
func survivesWire(rr dns.RR) bool {
	m := &dns.Msg{Answer: []dns.RR{rr}}
	b, err := m.Pack()
	if err != nil {
		return false
	}
	var back dns.Msg
	return back.Unpack(b) == nil && equalMsg("xfr", m, &back) == nil
}

// transferOut serves outEnvelopes with Transfer.Out from a dns.Server on
// loopback TCP to Transfer.In, and compares what arrives.
func transferOut(s xfrScript, frames [][]byte) error {
	srv, err := startXfrServer()
	if err != nil {
		return err
	}
	envs := outEnvelopes(s, frames)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.wmu.Lock()
	srv.envs, srv.done = envs, make(chan outResult, 1)
	srv.wmu.Unlock()
	q := new(dns.Msg)
	if s.ixfr {
		q.SetIxfr(xfrZone, xfrSOA.Serial-1, "ns1."+xfrZone, "hostmaster."+xfrZone)
	} else {
		q.SetAxfr(xfrZone)
	}
	t := &dns.Transfer{DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second}
	if s.tsig {
		q.SetTsig(xfrKeyName, dns.HmacSHA256, 300, time.Now().Unix())
		t.TsigSecret = map[string]string{xfrKeyName: tsigSecret}
	}
	ch, err := t.In(q, srv.ln.Addr().String())
	if err != nil {
		return fmt.Errorf("dnsfuzz: Transfer.In to the loopback dns.Server: %w", err)
	}
	var got []*dns.Envelope
	for e := range ch {
		got = append(got, e)
	}
	var res outResult
	select {
	case res = <-srv.done:
	case <-time.After(10 * time.Second):
		return harness.Violated("xfr", "Out.Hang", "Transfer.Out did not return 10 s after the secondary finished")
	}
	return checkOut(envs, res, got)
}

// outResult is what the server side saw of one exchange.
type outResult struct {
	err    error // Transfer.Out's
	writes int   // messages through the DecorateWriter
}

func checkOut(envs [][]dns.RR, res outResult, got []*dns.Envelope) error {
	end := got[len(got)-1]
	if res.err != nil {
		if end.Error == nil {
			return harness.Violated("xfr", "Out.Silent", "Transfer.Out failed (%v) and Transfer.In reports a complete transfer", res.err)
		}
		return nil
	}
	if end.Error != nil {
		return harness.Violated("xfr", "Out.Error", "Transfer.Out sent %d envelopes without error; Transfer.In: %v", len(envs), end.Error)
	}
	if len(got) != len(envs) {
		return harness.Violated("xfr", "Out.Count", "Transfer.Out sent %d envelopes, Transfer.In delivered %d", len(envs), len(got))
	}
	if res.writes != len(envs) {
		return harness.Violated("xfr", "Out.DecorateWriter", "%d messages through the decorated writer for %d envelopes", res.writes, len(envs))
	}
	for i := range envs {
		if err := equalMsg("xfr", &dns.Msg{Answer: envs[i]}, &dns.Msg{Answer: got[i].RR}); err != nil {
			return harness.Violated("xfr", fmt.Sprintf("Out.Envelope[%d]", i), "%v", err)
		}
	}
	return nil
}

// xfrServer is the loopback primary Transfer.Out runs in, started once
// per process; one exchange at a time.
type xfrServer struct {
	ln  net.Listener
	srv *dns.Server

	mu sync.Mutex // one exchange at a time

	wmu    sync.Mutex // guards the fields below
	envs   [][]dns.RR
	done   chan outResult
	writes int // this exchange's messages through the decorated writer
}

var startXfrServer = sync.OnceValues(func() (*xfrServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("dnsfuzz: listen on loopback for the transfer server: %w", err)
	}
	x := &xfrServer{ln: ln}
	started := make(chan struct{})
	x.srv = &dns.Server{
		Listener:          ln,
		Handler:           dns.HandlerFunc(x.serveDNS),
		TsigSecret:        map[string]string{xfrKeyName: tsigSecret},
		DecorateWriter:    x.decorate,
		NotifyStartedFunc: func() { close(started) },
	}
	errc := make(chan error, 1)
	go func() { errc <- x.srv.ActivateAndServe() }()
	select {
	case <-started:
		return x, nil
	case err := <-errc:
		return nil, fmt.Errorf("dnsfuzz: start the loopback transfer server: %w", err)
	}
})

// countingWriter counts the messages a response writes.
type countingWriter struct {
	dns.Writer
	x *xfrServer
}

func (c countingWriter) Write(b []byte) (int, error) {
	c.x.wmu.Lock()
	c.x.writes++
	c.x.wmu.Unlock()
	return c.Writer.Write(b)
}

func (x *xfrServer) decorate(w dns.Writer) dns.Writer { return countingWriter{w, x} }

// serveDNS runs Transfer.Out as its documentation shows: envelopes fed
// from another goroutine, the connection closed when Out returns.
func (x *xfrServer) serveDNS(w dns.ResponseWriter, r *dns.Msg) {
	x.wmu.Lock()
	envs, done := x.envs, x.done
	x.writes = 0
	x.wmu.Unlock()
	ch := make(chan *dns.Envelope)
	errc := make(chan error, 1)
	go func() { errc <- new(dns.Transfer).Out(w, r, ch) }()
	var err error
	stopped := false
feed:
	for _, e := range envs {
		select {
		case ch <- &dns.Envelope{RR: e}:
		case err = <-errc:
			stopped = true
			break feed
		}
	}
	close(ch)
	if !stopped {
		err = <-errc
	}
	x.wmu.Lock()
	writes := x.writes
	x.wmu.Unlock()
	_ = w.Close()
	if done != nil {
		done <- outResult{err: err, writes: writes}
	}
}
