// Command repro shows that github.com/facebook/time's ntp/shm.ReadID (and
// so shm.Read and shm.Time) reads ntpd's struct shmTime at the wrong
// offsets on 64-bit platforms. The C struct (ntpd refclock_shm.c, the
// layout gpsd and chronyd share) is
//
//	int mode; int count; time_t clockTimeStampSec; int clockTimeStampUSec;
//	time_t receiveTimeStampSec; int receiveTimeStampUSec; int leap;
//	int precision; int nsamples; int valid; unsigned clockTimeStampNSec;
//	unsigned receiveTimeStampNSec; int dummy[8];
//
// and on LP64 (amd64, arm64: time_t is 8 octets, 8-aligned) a C compiler
// puts 4 octets of padding after clockTimeStampUSec: receiveTimeStampSec
// is at offset 24, valid at 48, clockTimeStampNSec at 52, and sizeof is 96
// (gcc's offsetof on x86_64). shm.NTPSHM is decoded with encoding/binary,
// which packs it: every field after clockTimeStampUSec is read 4 octets
// early.
//
// The program writes a segment as a reference clock writes it (the fields
// at the C offsets, host byte order) into a private SysV segment and reads
// it with shm.ReadID. Exit status 1 when a field differs, 0 when all match.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"github.com/facebook/time/ntp/shm"
	"golang.org/x/sys/unix"
)

// The C offsets of struct shmTime on LP64.
const (
	offMode, offCount, offClockSec, offClockUSec     = 0, 4, 8, 16
	offReceiveSec, offReceiveUSec, offLeap, offPrec  = 24, 32, 36, 40
	offNsamples, offValid, offClockNSec, offRecvNSec = 44, 48, 52, 56
)

var order binary.ByteOrder = binary.LittleEndian

func init() {
	x := uint16(1)
	if (*[2]byte)(unsafe.Pointer(&x))[0] == 0 {
		order = binary.BigEndian
	}
}

func main() {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		fmt.Fprintln(os.Stderr, "repro: the offsets here are LP64's; run on a 64-bit platform")
		os.Exit(2)
	}
	want := shm.NTPSHM{
		Mode: 1, Count: 7,
		ClockTimeStampSec: 1764633600, ClockTimeStampUSec: 123456, ClockTimeStampNSec: 123456789,
		ReceiveTimeStampSec: 1764633601, ReceiveTimeStampUSec: 2345, ReceiveTimeStampNSec: 2345678,
		Leap: 0, Precision: -20, Nsamples: 3, Valid: 1,
	}
	seg := make([]byte, shm.NTPSHMSize)
	put32 := func(off int, v int32) { order.PutUint32(seg[off:], uint32(v)) }
	put32(offMode, want.Mode)
	put32(offCount, want.Count)
	order.PutUint64(seg[offClockSec:], uint64(want.ClockTimeStampSec))
	put32(offClockUSec, want.ClockTimeStampUSec)
	order.PutUint64(seg[offReceiveSec:], uint64(want.ReceiveTimeStampSec))
	put32(offReceiveUSec, want.ReceiveTimeStampUSec)
	put32(offLeap, want.Leap)
	put32(offPrec, want.Precision)
	put32(offNsamples, want.Nsamples)
	put32(offValid, want.Valid)
	put32(offClockNSec, want.ClockTimeStampNSec)
	put32(offRecvNSec, want.ReceiveTimeStampNSec)

	id, err := unix.SysvShmGet(unix.IPC_PRIVATE, shm.NTPSHMSize, unix.IPC_CREAT|0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro: create a SysV shared memory segment:", err)
		os.Exit(2)
	}
	mem, err := unix.SysvShmAttach(id, 0, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	// Destroyed when the last mapping goes away, at the latest at exit.
	if _, err := unix.SysvShmCtl(id, unix.IPC_RMID, nil); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	copy(mem, seg)
	got, err := shm.ReadID(uintptr(id))
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro: ReadID:", err)
		os.Exit(2)
	}
	if *got != want {
		fmt.Printf("present: a struct shmTime written at the C offsets reads back as\n  %+v\nwant\n  %+v\n", *got, want)
		fmt.Printf("  ClockTimeStamp() (what shm.Time returns) %v, want %v\n", got.ClockTimeStamp().UTC(), want.ClockTimeStamp().UTC())
		os.Exit(1)
	}
	fmt.Printf("absent: struct shmTime reads back as written: %+v\n", *got)
}
