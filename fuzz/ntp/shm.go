package ntpfuzz

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/facebook/time/ntp/shm"
	"golang.org/x/sys/unix"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

// This file fuzzes facebook/time's ntp/shm, the reader of the SysV shared
// memory segment a reference clock driver (gpsd, a PPS daemon) writes for
// ntpd and chronyd (ntpd's refclock_shm.c, "struct shmTime"). The input is
// the segment's content: it is written into a private segment of this
// process, and shm.ReadID reads it from there, exactly as shm.Read reads
// the well-known NTP0 segment.

// shmSeg is the process's private segment and this process's own mapping
// of it, through which each input is written.
type shmSeg struct {
	id  int
	mem []byte
}

var (
	shmOnce sync.Once
	shmMu   sync.Mutex
	shmPriv *shmSeg
	shmErr  error
)

// sharedSHM creates the segment once and marks it for removal at once, so
// it disappears with the process however the process ends (Linux lets a
// segment marked for removal be attached while it is still attached).
func sharedSHM() (*shmSeg, error) {
	shmOnce.Do(func() {
		id, err := unix.SysvShmGet(unix.IPC_PRIVATE, shm.NTPSHMSize, unix.IPC_CREAT|0o600)
		if err != nil {
			shmErr = fmt.Errorf("ntpfuzz: create a SysV shared memory segment: %w", err)
			return
		}
		mem, err := unix.SysvShmAttach(id, 0, 0)
		if err != nil {
			shmErr = fmt.Errorf("ntpfuzz: attach SysV shared memory segment %d: %w", id, err)
			return
		}
		_, _ = unix.SysvShmCtl(id, unix.IPC_RMID, nil) // removed when the process ends
		shmPriv = &shmSeg{id: id, mem: mem}
	})
	return shmPriv, shmErr
}

// attachments returns the addresses at which segment id is mapped in this
// process, from /proc/self/maps (the inode of a SysV mapping is its id).
func attachments(id int) ([]uintptr, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) < 6 || !strings.HasPrefix(fl[5], "/SYSV") || fl[4] != strconv.Itoa(id) {
			continue
		}
		start, _, _ := strings.Cut(fl[0], "-")
		a, err := strconv.ParseUint(start, 16, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, uintptr(a))
	}
	return out, sc.Err()
}

// shmLayout is the LP64 layout of ntpd's struct shmTime, with the C
// compiler's padding: the 8-octet time_t fields are 8-aligned, so 4
// octets of padding follow clockTimeStampUSec, and the struct is padded to
// 96 octets (shm.NTPSHMSize).
type shmLayout struct {
	Mode, Count                            int32
	ClockSec                               int64
	ClockUSec                              int32
	ReceiveSec                             int64
	ReceiveUSec, Leap, Precision, Nsamples int32
	Valid                                  int32
	ClockNSec, ReceiveNSec                 uint32
}

// readSHMLayout decodes seg (shm.NTPSHMSize octets, host order) at the
// offsets of the C struct, or of the packed layout when packed is set.
func readSHMLayout(seg []byte, packed bool) shmLayout {
	o := binary.NativeEndian
	i32 := func(off int) int32 { return int32(o.Uint32(seg[off:])) }
	pad := 4
	if packed {
		pad = 0
	}
	r := 24 + pad - 4 // receiveTimeStampSec
	return shmLayout{
		Mode: i32(0), Count: i32(4), ClockSec: int64(o.Uint64(seg[8:])), ClockUSec: i32(16),
		ReceiveSec: int64(o.Uint64(seg[r:])), ReceiveUSec: i32(r + 8), Leap: i32(r + 12),
		Precision: i32(r + 16), Nsamples: i32(r + 20), Valid: i32(r + 24),
		ClockNSec: uint32(i32(r + 28)), ReceiveNSec: uint32(i32(r + 32)),
	}
}

// SHM writes data (cut or zero-padded to the segment's 96 octets) into a
// SysV shared memory segment, reads it with shm.ReadID and checks:
//   - differential: every field is the one at its offset in ntpd's
//     struct shmTime as a C compiler lays it out (refclock_shm.c);
//   - invariant: ReadID leaves no mapping of the segment behind;
//   - no panic in ClockTimeStamp and ReceiveTimeStamp.
//
// Both oracles fail on every input with today's facebook/time, two known
// bugs pinned by known_shm_test.go: ReadID decodes the segment with
// encoding/binary, which packs the struct (88 octets, ReceiveTimeStampSec
// at offset 20 where the C struct has it at 24, and every later field 4
// octets early), and it never detaches the mapping it attaches, so every
// Read leaks one (a daemon polling Time() runs out of mappings). Outside
// harness.Strict() the fields are expected at the packed offsets, and the
// leaked mappings are detached here so a fuzzing process keeps going.
// Kept as crashers/fuzz-ntp.FuzzSHM/39816b11f726 (layout) and
// crashers/fuzz-ntp.FuzzSHM/690e3dd935b8 (leak), written up as
// findings/fbtime-shm-struct-layout and findings/fbtime-shm-readid-leak.
// The leak reproduces on every input, the empty one too: the segment is
// zero-padded to 96 octets, on which both layouts agree.
func SHM(data []byte) error {
	seg, err := sharedSHM()
	if err != nil {
		return err
	}
	shmMu.Lock()
	defer shmMu.Unlock()
	buf := make([]byte, shm.NTPSHMSize)
	copy(buf, data)
	copy(seg.mem, buf)
	before, err := attachments(seg.id)
	if err != nil {
		return fmt.Errorf("ntpfuzz: %w", err)
	}
	s, readErr := shm.ReadID(uintptr(seg.id))
	after, err := attachments(seg.id)
	if err != nil {
		return fmt.Errorf("ntpfuzz: %w", err)
	}
	leaked := detachNew(before, after)
	if readErr != nil {
		return harness.Violated("invariant", "ReadID", "segment %d: %v", seg.id, readErr)
	}
	if err := checkSHM(s, buf, harness.Strict()); err != nil {
		return err
	}
	// Checked after the fields, so that in strict mode a segment on which
	// both layouts agree (all zero after offset 20) reports the leak and
	// any other reports the layout: each bug keeps its own signature.
	if leaked > 0 && harness.Strict() {
		return harness.Violated("invariant", "ReadID.Detach", "ReadID left %d mapping(s) of segment %d attached", leaked, seg.id)
	}
	return nil
}

// detachNew detaches the mappings in after that were not in before, and
// returns how many there were.
func detachNew(before, after []uintptr) int {
	old := map[uintptr]bool{}
	for _, a := range before {
		old[a] = true
	}
	n := 0
	for _, a := range after {
		if !old[a] {
			n++
			_, _, _ = unix.Syscall(unix.SYS_SHMDT, a, 0, 0)
		}
	}
	return n
}

func checkSHM(s *shm.NTPSHM, seg []byte, strict bool) error {
	want := readSHMLayout(seg, !strict)
	got := shmLayout{
		Mode: s.Mode, Count: s.Count, ClockSec: s.ClockTimeStampSec, ClockUSec: s.ClockTimeStampUSec,
		ReceiveSec: s.ReceiveTimeStampSec, ReceiveUSec: s.ReceiveTimeStampUSec, Leap: s.Leap,
		Precision: s.Precision, Nsamples: s.Nsamples, Valid: s.Valid,
		ClockNSec: uint32(s.ClockTimeStampNSec), ReceiveNSec: uint32(s.ReceiveTimeStampNSec),
	}
	fields := []struct {
		name      string
		got, want int64
	}{
		{"Mode", int64(got.Mode), int64(want.Mode)},
		{"Count", int64(got.Count), int64(want.Count)},
		{"ClockTimeStampSec", got.ClockSec, want.ClockSec},
		{"ClockTimeStampUSec", int64(got.ClockUSec), int64(want.ClockUSec)},
		{"ReceiveTimeStampSec", got.ReceiveSec, want.ReceiveSec},
		{"ReceiveTimeStampUSec", int64(got.ReceiveUSec), int64(want.ReceiveUSec)},
		{"Leap", int64(got.Leap), int64(want.Leap)},
		{"Precision", int64(got.Precision), int64(want.Precision)},
		{"Nsamples", int64(got.Nsamples), int64(want.Nsamples)},
		{"Valid", int64(got.Valid), int64(want.Valid)},
		{"ClockTimeStampNSec", int64(got.ClockNSec), int64(want.ClockNSec)},
		{"ReceiveTimeStampNSec", int64(got.ReceiveNSec), int64(want.ReceiveNSec)},
	}
	for _, f := range fields {
		if f.got != f.want {
			return harness.Violated("differential", "NTPSHM."+f.name, "shm.ReadID %#x, struct shmTime %#x", f.got, f.want)
		}
	}
	_, _ = s.ClockTimeStamp(), s.ReceiveTimeStamp() // no panic
	return nil
}
