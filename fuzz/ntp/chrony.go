package ntpfuzz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net"
	"time"

	"github.com/facebook/time/ntp/chrony"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// datagramConn is an in-memory chronyd or ntpd: it records what the client
// writes and answers its reads with the queued datagrams, one per Read,
// truncated to the reader's buffer as a UDP socket would.
type datagramConn struct {
	written [][]byte
	replies [][]byte
}

func (c *datagramConn) Write(p []byte) (int, error) {
	c.written = append(c.written, bytes.Clone(p))
	return len(p), nil
}

func (c *datagramConn) Read(p []byte) (int, error) {
	if len(c.replies) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.replies[0])
	c.replies = c.replies[1:]
	return n, nil
}

// chronyReplyHeadLen is sizeof(CMD_Reply) up to the data union (candm.h).
const chronyReplyHeadLen = 28

// chronyRequestFor is the request chronyc sends for a reply type, so the
// exchange looks like a real one; decoding does not depend on it.
func chronyRequestFor(reply uint16) chrony.RequestPacket {
	switch chrony.ReplyType(reply) {
	case chrony.RpyNSources:
		return chrony.NewSourcesPacket()
	case chrony.RpySourceData:
		return chrony.NewSourceDataPacket(0)
	case chrony.RpySourceStats:
		return chrony.NewSourceStatsPacket(0)
	case chrony.RpyActivity:
		return chrony.NewActivityPacket()
	case chrony.RpyServerStats, chrony.RpyServerStats2, chrony.RpyServerStats3, chrony.RpyServerStats4:
		return chrony.NewServerStatsPacket()
	case chrony.RpyNTPData, chrony.RpyNTPData2:
		return chrony.NewNTPDataPacket(&chrony.IPAddr{IP: chrony.IPToBytes(net.IPv4(192, 0, 2, 1)), Family: chrony.IPAddrInet4})
	case chrony.RpyNTPSourceName:
		return chrony.NewNTPSourceNamePacket(&chrony.IPAddr{IP: chrony.IPToBytes(net.IPv4(192, 0, 2, 1)), Family: chrony.IPAddrInet4})
	case chrony.RpySelectData:
		return chrony.NewSelectDataPacket(0)
	case chrony.RpyClientAccessesByIndex3:
		return chrony.NewClientAccessesByIndexPacket(0, chrony.MaxClientAccessesByIndex, 0)
	}
	return chrony.NewTrackingPacket()
}

// Chrony answers facebook/time's chrony client (chrony.Client.Communicate,
// the chronyc side of chronyd's command protocol) with data as the reply
// datagram, and checks the decoded reply against an independent reading of
// the candm.h layout:
//   - differential: the reply header, every chrony Float (7-bit exponent,
//     25-bit coefficient, chrony util.c) of tracking, source data, source
//     stats, NTP data and select data replies, their addresses and reference
//     times agree with a decoder written here from the specification;
//   - invariant: a reply is returned only with status success, and a
//     client list holds min(NClients, 8) entries;
//   - no panic in the decoder or in the String helpers a CLI calls.
func Chrony(data []byte) error {
	return chronyCheck(data, (*chrony.Client).Communicate)
}

func chronyCheck(data []byte, decode func(*chrony.Client, chrony.RequestPacket) (chrony.ResponsePacket, error)) error {
	reply := uint16(0)
	if len(data) >= 8 {
		reply = binary.BigEndian.Uint16(data[6:8])
	}
	conn := &datagramConn{replies: [][]byte{data}}
	cl := &chrony.Client{Connection: conn}
	resp, err := decode(cl, chronyRequestFor(reply))
	if err != nil {
		return nil
	}
	wire := data[:min(len(data), 1024)] // the client reads into a 1024-octet buffer
	if err := checkChronyHead(resp, wire); err != nil {
		return err
	}
	return checkChronyBody(resp, wire)
}

func checkChronyHead(resp chrony.ResponsePacket, wire []byte) error {
	if st := binary.BigEndian.Uint16(wire[8:10]); st != 0 {
		return harness.Violated("invariant", "Status", "reply with status %d returned as a success", st)
	}
	if got, want := uint16(resp.GetCommand()), binary.BigEndian.Uint16(wire[4:6]); got != want {
		return harness.Violated("differential", "ReplyHead.Command", "decoded %d, wire %d", got, want)
	}
	if got, want := uint16(resp.GetType()), binary.BigEndian.Uint16(wire[6:8]); got != want {
		return harness.Violated("differential", "ReplyHead.Reply", "decoded %d, wire %d", got, want)
	}
	_ = resp.GetStatus().String()
	return nil
}

// chronyFloat is chrony's network float, decoded from the definition: the
// top 7 bits are a signed exponent, the low 25 bits a signed coefficient,
// value = coefficient * 2^(exponent-25).
func chronyFloat(b []byte) float64 {
	x := int32(binary.BigEndian.Uint32(b))
	exp := int(x >> 25)
	coef := int(x << 7 >> 7)
	return math.Ldexp(float64(coef), exp-25)
}

// chronyIP decodes an IPAddr (16 address octets, family, padding) the way
// chronyc prints it: IPv4, IPv6, or no address.
func chronyIP(b []byte) net.IP {
	switch binary.BigEndian.Uint16(b[16:18]) {
	case chrony.IPAddrInet4:
		return net.IP(b[:4])
	case chrony.IPAddrInet6:
		return net.IP(b[:16])
	}
	return nil
}

// chronyTime decodes a Timespec: high and low seconds (high 0x7fffffff means
// a 32-bit time) and nanoseconds.
func chronyTime(b []byte) time.Time {
	hi, lo, ns := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:])
	if hi == 0x7fffffff {
		hi = 0
	}
	return time.Unix(int64(uint64(hi)<<32|uint64(lo)), int64(ns))
}

// floatsAt compares decoded floats with those read at the given offsets.
func floatsAt(wire []byte, names []string, got []float64, offs ...int) error {
	for i, off := range offs {
		want := chronyFloat(wire[off:])
		if got[i] != want && !(math.IsNaN(got[i]) && math.IsNaN(want)) {
			return harness.Violated("differential", names[i], "decoded %v, wire %08x is %v", got[i], wire[off:off+4], want)
		}
	}
	return nil
}

func sameIP(field string, got net.IP, wire []byte) error {
	if want := chronyIP(wire); !got.Equal(want) || (got == nil) != (want == nil) {
		return harness.Violated("differential", field, "decoded %v, wire %x is %v", got, wire[:20], want)
	}
	return nil
}

func sameTime(field string, got time.Time, wire []byte) error {
	if want := chronyTime(wire); !got.Equal(want) {
		return harness.Violated("differential", field, "decoded %v, wire %x is %v", got, wire[:12], want)
	}
	return nil
}

func checkChronyBody(resp chrony.ResponsePacket, w []byte) error {
	const h = chronyReplyHeadLen
	switch r := resp.(type) {
	case *chrony.ReplyTracking:
		t := r.Tracking
		_ = chrony.RefidToString(t.RefID)
		if err := sameIP("Tracking.IPAddr", t.IPAddr, w[h+4:]); err != nil {
			return err
		}
		if err := sameTime("Tracking.RefTime", t.RefTime, w[h+28:]); err != nil {
			return err
		}
		return floatsAt(w, []string{"Tracking.CurrentCorrection", "Tracking.LastOffset", "Tracking.RMSOffset", "Tracking.FreqPPM", "Tracking.ResidFreqPPM", "Tracking.SkewPPM", "Tracking.RootDelay", "Tracking.RootDispersion", "Tracking.LastUpdateInterval"},
			[]float64{t.CurrentCorrection, t.LastOffset, t.RMSOffset, t.FreqPPM, t.ResidFreqPPM, t.SkewPPM, t.RootDelay, t.RootDispersion, t.LastUpdateInterval},
			h+40, h+44, h+48, h+52, h+56, h+60, h+64, h+68, h+72)
	case *chrony.ReplySourceData:
		s := r.SourceData
		_, _, _ = s.IPAddr.String(), s.State.String(), s.Mode.String()
		if err := sameIP("SourceData.IPAddr", s.IPAddr.ToNetIP(), w[h:]); err != nil {
			return err
		}
		return floatsAt(w, []string{"SourceData.OrigLatestMeas", "SourceData.LatestMeas", "SourceData.LatestMeasErr"},
			[]float64{s.OrigLatestMeas, s.LatestMeas, s.LatestMeasErr}, h+36, h+40, h+44)
	case *chrony.ReplySourceStats:
		s := r.SourceStats
		_ = s.IPAddr.String()
		return floatsAt(w, []string{"SourceStats.StandardDeviation", "SourceStats.ResidFreqPPM", "SourceStats.SkewPPM", "SourceStats.EstimatedOffset", "SourceStats.EstimatedOffsetErr"},
			[]float64{s.StandardDeviation, s.ResidFreqPPM, s.SkewPPM, s.EstimatedOffset, s.EstimatedOffsetErr}, h+36, h+40, h+44, h+48, h+52)
	case *chrony.ReplyNTPData:
		return checkNTPData(&r.NTPData, w)
	case *chrony.ReplyNTPData2:
		return checkNTPData(&r.NTPData2.NTPData, w)
	case *chrony.ReplySelectData:
		s := r.SelectData
		if err := sameIP("SelectData.IPAddr", s.IPAddr, w[h+4:]); err != nil {
			return err
		}
		return floatsAt(w, []string{"SelectData.Score", "SelectData.LoLimit", "SelectData.HiLimit"},
			[]float64{s.Score, s.LoLimit, s.HiLimit}, h+36, h+40, h+44)
	case *chrony.ReplyNTPSourceName:
		if n := len(r.Name); n > 256 || bytes.IndexByte([]byte(r.Name), 0) >= 0 {
			return harness.Violated("invariant", "NTPSourceName.Name", "%d octets, NUL inside: %q", n, r.Name)
		}
	case *chrony.ReplyClientAccessesByIndex:
		c := r.ClientAccessesByIndex
		if want := min(c.NClients, chrony.MaxClientAccessesByIndex); uint32(len(c.Clients)) != want {
			return harness.Violated("invariant", "ClientAccessesByIndex.Clients", "%d entries for NClients %d", len(c.Clients), c.NClients)
		}
		for i, cl := range c.Clients {
			if err := sameIP(fmt.Sprintf("Clients[%d].IPAddr", i), cl.IPAddr.ToNetIP(), w[h+12+60*i:]); err != nil {
				return err
			}
			_ = cl.IPAddr.String()
		}
	}
	return nil
}

func checkNTPData(d *chrony.NTPData, w []byte) error {
	const h = chronyReplyHeadLen
	_ = chrony.ReadNTPTestFlags(d.Flags)
	if err := sameIP("NTPData.RemoteAddr", d.RemoteAddr, w[h:]); err != nil {
		return err
	}
	if err := sameIP("NTPData.LocalAddr", d.LocalAddr, w[h+20:]); err != nil {
		return err
	}
	if err := sameTime("NTPData.RefTime", d.RefTime, w[h+60:]); err != nil {
		return err
	}
	return floatsAt(w, []string{"NTPData.RootDelay", "NTPData.RootDispersion", "NTPData.Offset", "NTPData.PeerDelay", "NTPData.PeerDispersion", "NTPData.ResponseTime", "NTPData.JitterAsymmetry"},
		[]float64{d.RootDelay, d.RootDispersion, d.Offset, d.PeerDelay, d.PeerDispersion, d.ResponseTime, d.JitterAsymmetry},
		h+48, h+52, h+72, h+76, h+80, h+84, h+88)
}
