package main

import (
	"encoding/binary"

	"github.com/daemonfuzz/daemonfuzz/internal/corpus"
)

// shmSample is one struct shmTime (ntpd refclock_shm.c) as gpsd writes it
// on a little-endian LP64 host: 8-aligned time_t fields, 4 octets of
// padding after clockTimeStampUSec, 96 octets in all.
func shmSample(mode, count int32, clockSec int64, clockNSec uint32, recvSec int64, recvNSec uint32, leap, precision, valid int32) []byte {
	b := make([]byte, 96)
	o := binary.LittleEndian
	o.PutUint32(b[0:], uint32(mode))
	o.PutUint32(b[4:], uint32(count))
	o.PutUint64(b[8:], uint64(clockSec))
	o.PutUint32(b[16:], clockNSec/1000)
	o.PutUint64(b[24:], uint64(recvSec))
	o.PutUint32(b[32:], recvNSec/1000)
	o.PutUint32(b[36:], uint32(leap))
	o.PutUint32(b[40:], uint32(precision))
	o.PutUint32(b[44:], 3) // nsamples
	o.PutUint32(b[48:], uint32(valid))
	o.PutUint32(b[52:], clockNSec)
	o.PutUint32(b[56:], recvNSec)
	return b
}

// shmSeeds are NTP SHM segments (corpus/ntp-shm) in the layout of ntpd's
// refclock_shm.c, as gpsd and PPS daemons fill them.
func shmSeeds() ([]seed, error) {
	const t = 1764633600 // 2025-12-02
	var out []seed
	add := func(what string, b []byte) {
		out = append(out, seed{"ntp-shm", corpus.KindHandmade, src + ": struct shmTime " + what, b})
	}
	add("mode 1, valid GPS sample, 12 ms receive delay", shmSample(1, 4711, t, 0, t, 12345678, 0, -20, 1))
	add("mode 0, valid PPS sample on the second", shmSample(0, 2, t+1, 0, t+1, 1500, 0, -30, 1))
	add("mode 1, leap second insertion announced", shmSample(1, 8, t, 999999000, t+1, 250, 1, -20, 1))
	add("mode 1, sample consumed (valid 0)", shmSample(1, 9, t, 5000, t, 7000, 0, -20, 0))
	add("mode 1, clock not synchronised (leap 3)", shmSample(1, 1, 0, 0, t, 0, 3, -1, 1))
	return out, nil
}
