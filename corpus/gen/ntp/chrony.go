package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"net"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// wr appends big-endian fields, the layout of chrony's candm.h structures.
type wr struct{ b []byte }

func (w *wr) u8(v uint8)   { w.b = append(w.b, v) }
func (w *wr) u16(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *wr) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }
func (w *wr) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *wr) zero(n int)   { w.b = append(w.b, make([]byte, n)...) }

// ip writes an IPAddr: 16 address octets, family, padding.
func (w *wr) ip(s string) {
	var a [16]byte
	fam := uint16(0)
	if ip := net.ParseIP(s); ip != nil {
		if v4 := ip.To4(); v4 != nil {
			copy(a[:], v4)
			fam = 1
		} else {
			copy(a[:], ip)
			fam = 2
		}
	}
	w.b = append(w.b, a[:]...)
	w.u16(fam)
	w.u16(0)
}

// f writes a chrony Float: 7-bit signed exponent, 25-bit signed coefficient
// (chrony util.c UTI_FloatHostToNetwork).
func (w *wr) f(x float64) {
	const coefBits = 25
	exp := 0
	if x != 0 {
		_, e := math.Frexp(math.Abs(x))
		exp = e
	}
	coef := int64(math.Round(x * math.Pow(2, float64(coefBits-1-exp))))
	for coef >= 1<<(coefBits-1) || coef < -(1<<(coefBits-1)) {
		coef /= 2
		exp++
	}
	// value = coef * 2^(exp-24) = coef * 2^(stored-25), so stored = exp+1.
	stored := int32(exp + 1)
	w.u32(uint32(stored&0x7f)<<coefBits | uint32(coef)&(1<<coefBits-1))
}

// ts writes a chrony Timespec (high seconds, low seconds, nanoseconds).
func (w *wr) ts(sec uint64, nsec uint32) {
	w.u32(uint32(sec >> 32))
	w.u32(uint32(sec))
	w.u32(nsec)
}

// chronyHead writes a reply header: version 6, packet type 2 (reply).
func chronyHead(cmd, reply, status uint16, seq uint32) *wr {
	w := &wr{}
	w.u8(6)
	w.u8(2)
	w.u8(0)
	w.u8(0)
	w.u16(cmd)
	w.u16(reply)
	w.u16(status)
	w.zero(6)
	w.u32(seq)
	w.zero(8)
	return w
}

// chronySeeds builds one reply of every kind facebook/time's chrony client
// requests, laid out as chronyd 4.x sends them (candm.h), plus error statuses.
func chronySeeds() ([]seed, error) {
	var out []seed
	add := func(what string, w *wr) {
		out = append(out, seed{"chrony", corpus.KindHandmade, src + ": chrony " + what, w.b})
	}
	w := chronyHead(14, 2, 0, 1)
	w.u32(3)
	add("RPY_N_SOURCES (3 sources)", w)

	for i, addr := range []string{"192.0.2.1", "2001:db8::1"} {
		w = chronyHead(15, 3, 0, uint32(2+i))
		w.ip(addr)
		w.u16(6)         // poll
		w.u16(2)         // stratum
		w.u16(uint16(i)) // state
		w.u16(0)         // mode client
		w.u16(0x2)       // flags prefer
		w.u16(0377)      // reachability
		w.u32(64)        // since sample
		w.f(-0.000123)
		w.f(-0.000121)
		w.f(0.00002)
		add("RPY_SOURCE_DATA for "+addr, w)
	}

	w = chronyHead(33, 5, 0, 4)
	w.u32(0xc0000201)
	w.ip("192.0.2.1")
	w.u16(2)
	w.u16(0)
	w.ts(1704067200, 123456789)
	for _, x := range []float64{0.0000012, -0.0000034, 0.0000021, -12.345, 0.0012, 0.034, 0.0021, 0.00045, 64.2} {
		w.f(x)
	}
	add("RPY_TRACKING", w)

	w = chronyHead(33, 5, 0, 5)
	w.u32(0x4c4f434c) // LOCL
	w.ip("")
	w.u16(10)
	w.u16(3)
	w.u32(0x7fffffff)
	w.u32(1704067200)
	w.u32(0)
	for range 9 {
		w.f(0)
	}
	add("RPY_TRACKING, local reference, unsynchronised, 32-bit time", w)

	w = chronyHead(34, 6, 0, 6)
	w.u32(0xc0000201)
	w.ip("192.0.2.1")
	w.u32(12)
	w.u32(5)
	w.u32(774)
	for _, x := range []float64{0.00003, 0.012, 0.45, -0.000012, 0.000004} {
		w.f(x)
	}
	add("RPY_SOURCESTATS", w)

	w = chronyHead(44, 12, 0, 7)
	for _, v := range []uint32{3, 1, 0, 0, 1} {
		w.u32(v)
	}
	add("RPY_ACTIVITY", w)

	w = chronyHead(54, 14, 0, 8)
	for i := range 5 {
		w.u32(uint32(1000 * (i + 1)))
	}
	add("RPY_SERVER_STATS", w)
	w = chronyHead(54, 22, 0, 9)
	for i := range 8 {
		w.u32(uint32(100 * (i + 1)))
	}
	add("RPY_SERVER_STATS2", w)
	w = chronyHead(54, 24, 0, 10)
	for i := range 11 {
		w.u32(uint32(10 * (i + 1)))
	}
	add("RPY_SERVER_STATS3", w)
	w = chronyHead(54, 25, 0, 11)
	for i := range 17 {
		w.u64(uint64(1) << (i + 20))
	}
	add("RPY_SERVER_STATS4", w)

	for _, reply := range []uint16{16, 26} {
		w = chronyHead(57, reply, 0, 12)
		w.ip("192.0.2.1")
		w.ip("192.0.2.100")
		w.u16(123)
		w.u8(0)    // leap
		w.u8(4)    // version
		w.u8(4)    // mode
		w.u8(1)    // stratum
		w.u8(6)    // poll
		w.u8(0xe9) // precision -23
		w.f(0.000015)
		w.f(0.00003)
		w.u32(0x47505300) // GPS
		w.ts(1704067200, 500)
		for _, x := range []float64{-0.0000012, 0.00025, 0.0000031, 0.000011, 0.5} {
			w.f(x)
		}
		w.u16(0x3ff)
		w.u8('K')
		w.u8('H')
		w.u32(100)
		w.u32(99)
		w.u32(98)
		if reply == 26 {
			w.u32(50)
			w.u32(49)
			w.u32(0)
			w.u32(0)
		}
		w.zero(16)
		add(fmt.Sprintf("RPY_NTP_DATA (reply %d)", reply), w)
	}

	w = chronyHead(65, 19, 0, 13)
	name := make([]byte, 256)
	copy(name, "time.example.org")
	w.b = append(w.b, name...)
	add("RPY_NTP_SOURCE_NAME", w)

	w = chronyHead(69, 23, 0, 14)
	w.u32(0xc0000201)
	w.ip("192.0.2.1")
	w.u8('*')
	w.u8(1)
	w.u8(0)
	w.u8(0)
	w.u16(0x1)
	w.u16(0x3)
	w.u32(12)
	w.f(1.0)
	w.f(-0.0012)
	w.f(0.0011)
	add("RPY_SELECT_DATA", w)

	for _, n := range []uint32{2, 8, 200} {
		w = chronyHead(68, 21, 0, 15)
		w.u32(10)
		w.u32(n)
		w.u32(n)
		for i := range 8 {
			if uint32(i) < n {
				w.ip(fmt.Sprintf("192.0.2.%d", i+10))
			} else {
				w.ip("")
			}
			for _, v := range []uint32{100, 0, 3, 1, 0, 0} {
				w.u32(v * uint32(i+1))
			}
			w.u8(6)
			w.u8(0x80)
			w.u8(0)
			w.u8(6)
			w.u32(1)
			w.u32(0xffffffff)
			w.u32(30)
		}
		add(fmt.Sprintf("RPY_CLIENT_ACCESSES_BY_INDEX3, NClients=%d", n), w)
	}

	for _, st := range []uint16{1, 2, 3, 6, 18} {
		add(fmt.Sprintf("error reply, status %d", st), chronyHead(33, 1, st, 16))
	}
	return out, nil
}
