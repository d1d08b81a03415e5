package ntpfuzz

import (
	"math"
	"time"

	"github.com/beevik/ntp"
	"github.com/facebook/time/ntp/protocol"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// ntpHeader is the 48-octet NTP header in raw wire values: the common
// denominator of every decoder compared by Differential.
type ntpHeader struct {
	Leap, Version, Mode, Stratum uint8
	Poll, Precision              int8
	RootDelay, RootDispersion    uint32
	ReferenceID                  uint32
	Reference, Origin            uint64
	Receive, Transmit            uint64
}

// headerDecoder decodes the bytes a client received into raw header values;
// ok is false when the implementation rejects them.
type headerDecoder func(wire []byte) (h ntpHeader, ok bool)

// Differential answers beevik/ntp's client with data through the loopback
// peer, and decodes the datagram it received with facebook/time and
// gopacket/layers.NTP too. Leap, version, mode, stratum, poll, precision,
// root delay and dispersion, reference id and the four timestamps must agree
// (see divergences.go for what is tolerated).
//
// Every decoder sees every input, whatever the others said: a datagram
// shorter than a header, or one too long to send (over maxPeerReply), is
// still decoded by facebook/time and gopacket, from data itself when no
// datagram reached the client.
func Differential(data []byte) error {
	return differential(data, facebookHeader, gopacketHeader)
}

func differential(data []byte, fb, gp headerDecoder) error {
	var (
		r    *ntp.Response
		err  error
		wire []byte
	)
	if len(data) <= maxPeerReply {
		r, wire, err = beevikQuery(data)
	}
	received := wire != nil
	if !received {
		wire = data // no datagram reached the client: decode the input itself
	}
	hf, okf := fb(wire)
	hg, okg := gp(wire)
	if okf != okg {
		return harness.Violated("differential", "Accept", "facebook/time accepts: %v, gopacket: %v", okf, okg)
	}
	if !okf {
		return nil
	}
	if err := compareRaw(hf, hg); err != nil {
		return err
	}
	if !received || err != nil || r == nil || hf.Version == 5 {
		return nil // divergence 2
	}
	return compareBeevik(hf, r)
}

func facebookHeader(wire []byte) (ntpHeader, bool) {
	p, err := protocol.BytesToPacket(wire)
	if err != nil {
		// Divergence 1: the header alone.
		if len(wire) < protocol.PacketSizeBytes {
			return ntpHeader{}, false
		}
		if p, err = protocol.BytesToPacket(wire[:protocol.PacketSizeBytes]); err != nil {
			return ntpHeader{}, false
		}
	}
	return ntpHeader{
		Leap: p.Settings >> 6, Version: p.Settings >> 3 & 7, Mode: p.Settings & 7,
		Stratum: p.Stratum, Poll: p.Poll, Precision: p.Precision,
		RootDelay: p.RootDelay, RootDispersion: p.RootDispersion, ReferenceID: p.ReferenceID,
		Reference: join(p.RefTimeSec, p.RefTimeFrac), Origin: join(p.OrigTimeSec, p.OrigTimeFrac),
		Receive: join(p.RxTimeSec, p.RxTimeFrac), Transmit: join(p.TxTimeSec, p.TxTimeFrac),
	}, true
}

func gopacketHeader(wire []byte) (ntpHeader, bool) {
	var l layers.NTP
	if err := l.DecodeFromBytes(wire, gopacket.NilDecodeFeedback); err != nil {
		return ntpHeader{}, false
	}
	return ntpHeader{
		Leap: uint8(l.LeapIndicator), Version: uint8(l.Version), Mode: uint8(l.Mode),
		Stratum: uint8(l.Stratum), Poll: int8(l.Poll), Precision: int8(l.Precision),
		RootDelay: uint32(l.RootDelay), RootDispersion: uint32(l.RootDispersion), ReferenceID: uint32(l.ReferenceID),
		Reference: uint64(l.ReferenceTimestamp), Origin: uint64(l.OriginTimestamp),
		Receive: uint64(l.ReceiveTimestamp), Transmit: uint64(l.TransmitTimestamp),
	}, true
}

func join(sec, frac uint32) uint64 { return uint64(sec)<<32 | uint64(frac) }

// compareRaw compares two raw decodings field by field.
func compareRaw(a, b ntpHeader) error {
	type field struct {
		name string
		x, y uint64
	}
	for _, f := range []field{
		{"Leap", uint64(a.Leap), uint64(b.Leap)},
		{"Version", uint64(a.Version), uint64(b.Version)},
		{"Mode", uint64(a.Mode), uint64(b.Mode)},
		{"Stratum", uint64(a.Stratum), uint64(b.Stratum)},
		{"Poll", uint64(uint8(a.Poll)), uint64(uint8(b.Poll))},
		{"Precision", uint64(uint8(a.Precision)), uint64(uint8(b.Precision))},
		{"RootDelay", uint64(a.RootDelay), uint64(b.RootDelay)},
		{"RootDispersion", uint64(a.RootDispersion), uint64(b.RootDispersion)},
		{"ReferenceID", uint64(a.ReferenceID), uint64(b.ReferenceID)},
		{"ReferenceTimestamp", a.Reference, b.Reference},
		{"OriginTimestamp", a.Origin, b.Origin},
		{"ReceiveTimestamp", a.Receive, b.Receive},
		{"TransmitTimestamp", a.Transmit, b.Transmit},
	} {
		if f.x != f.y {
			return harness.Violated("differential", f.name, "facebook/time %#x, gopacket %#x", f.x, f.y)
		}
	}
	return nil
}

// compareBeevik compares beevik/ntp's response with the raw header.
func compareBeevik(h ntpHeader, r *ntp.Response) error {
	switch {
	case uint8(r.Leap) != h.Leap:
		return harness.Violated("differential", "Leap", "beevik/ntp %d, raw %d", r.Leap, h.Leap)
	case r.Version != int(h.Version):
		return harness.Violated("differential", "Version", "beevik/ntp %d, raw %d", r.Version, h.Version)
	case h.Mode != 4:
		return harness.Violated("differential", "Mode", "beevik/ntp accepted mode %d as a server reply", h.Mode)
	case r.Stratum != h.Stratum:
		return harness.Violated("differential", "Stratum", "beevik/ntp %d, raw %d", r.Stratum, h.Stratum)
	case r.ReferenceID != h.ReferenceID:
		return harness.Violated("differential", "ReferenceID", "beevik/ntp %#x, raw %#x", r.ReferenceID, h.ReferenceID)
	}
	for _, d := range []struct {
		name string
		got  time.Duration
		exp  int8
	}{{"Poll", r.Poll, h.Poll}, {"Precision", r.Precision, h.Precision}} {
		if d.exp > 33 { // divergence 5
			continue
		}
		if want := log2Duration(d.exp); d.got != want {
			return harness.Violated("differential", d.name, "beevik/ntp %v, exponent %d is %v", d.got, d.exp, want)
		}
	}
	for _, d := range []struct {
		name string
		got  time.Duration
		raw  uint32
	}{{"RootDelay", r.RootDelay, h.RootDelay}, {"RootDispersion", r.RootDispersion, h.RootDispersion}} {
		if diff := d.got - q1616(d.raw); diff < -1 || diff > 1 { // divergence 6
			return harness.Violated("differential", d.name, "beevik/ntp %v, raw %#x is %v", d.got, d.raw, q1616(d.raw))
		}
	}
	for _, t := range []struct {
		name string
		got  time.Time
		raw  uint64
	}{{"ReferenceTimestamp", r.ReferenceTime, h.Reference}, {"ReceiveTimestamp", r.Timestamps.ServerRecv, h.Receive}, {"TransmitTimestamp", r.Timestamps.ServerXmit, h.Transmit}} {
		fb := protocol.Unix(uint32(t.raw>>32), uint32(t.raw))
		if !sameInstant(t.got, fb) {
			return harness.Violated("differential", t.name, "beevik/ntp %v, facebook/time %v (raw %#x)", t.got.UTC(), fb.UTC(), t.raw)
		}
	}
	return nil
}

// ntpEra is the length of one NTP era, 2^32 seconds.
const ntpEra = time.Duration(1<<32) * time.Second

// sameInstant tolerates divergence 4: one era apart, 1 ns of rounding.
func sameInstant(beevik, fb time.Time) bool {
	d := beevik.Sub(fb)
	for _, off := range []time.Duration{0, ntpEra} {
		if e := d - off; e >= -1 && e <= 1 {
			return true
		}
	}
	return false
}

// log2Duration is 2^exp seconds, truncated to whole nanoseconds.
func log2Duration(exp int8) time.Duration {
	return time.Duration(math.Floor(math.Ldexp(float64(time.Second), int(exp))))
}

// q1616 is the exact Q16.16 value in nanoseconds, truncated.
func q1616(raw uint32) time.Duration {
	return time.Duration(uint64(raw) * uint64(time.Second) >> 16)
}
