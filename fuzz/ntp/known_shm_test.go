package ntpfuzz

import (
	"encoding/binary"
	"testing"

	"github.com/facebook/time/ntp/shm"
)

// readSHM writes seg into the private segment and reads it with
// shm.ReadID, returning the mappings ReadID left behind (detached again).
func readSHM(t *testing.T, seg []byte) (*shm.NTPSHM, int) {
	t.Helper()
	s, err := sharedSHM()
	if err != nil {
		t.Skipf("no SysV shared memory here: %v", err)
	}
	shmMu.Lock()
	defer shmMu.Unlock()
	copy(s.mem, seg)
	before, err := attachments(s.id)
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	got, err := shm.ReadID(uintptr(s.id))
	if err != nil {
		t.Fatal(err)
	}
	after, err := attachments(s.id)
	if err != nil {
		t.Fatal(err)
	}
	return got, detachNew(before, after)
}

// cShmTime is a segment with the receive time where ntpd's C struct has
// it (offset 24, after 4 octets of padding).
func cShmTime() []byte {
	b := make([]byte, shm.NTPSHMSize)
	binary.NativeEndian.PutUint64(b[8:], 1764633600)
	binary.NativeEndian.PutUint64(b[24:], 1764633601)
	binary.NativeEndian.PutUint32(b[48:], 1) // valid
	return b
}

// These pin the two known facebook/time ntp/shm bugs SHM tolerates: when a
// release fixes one, its test fails; make that oracle strict.

func TestKnownSHMPackedLayout(t *testing.T) {
	s, _ := readSHM(t, cShmTime())
	if s.ReceiveTimeStampSec == 1764633601 && s.Valid == 1 {
		t.Fatal("shm.ReadID now reads struct shmTime with its C padding: drop the packed-layout tolerance in SHM")
	}
}

func TestKnownSHMReadIDLeaksAMapping(t *testing.T) {
	if _, leaked := readSHM(t, cShmTime()); leaked != 1 {
		t.Fatalf("shm.ReadID left %d mappings behind, want the known 1: drop the ReadID.Detach tolerance in SHM", leaked)
	}
}

func TestSHMOracles(t *testing.T) {
	seg := cShmTime()
	s, _ := readSHM(t, seg)
	// Strict, the C layout: the packed reading disagrees at the receive time.
	wantViolation(t, checkSHM(s, seg, true), "differential", "NTPSHM.ReceiveTimeStampSec")
	if err := checkSHM(s, seg, false); err != nil {
		t.Fatalf("the tolerated packed reading is reported: %v", err)
	}
	// Lenient still compares every field: a decoder off anywhere fails.
	bad := *s
	bad.Leap++
	wantViolation(t, checkSHM(&bad, seg, false), "differential", "NTPSHM.Leap")
	bad = *s
	bad.ClockTimeStampSec--
	wantViolation(t, checkSHM(&bad, seg, false), "differential", "NTPSHM.ClockTimeStampSec")
	// A C-layout reader agrees with the C layout.
	c := readSHMLayout(seg, false)
	if c.ReceiveSec != 1764633601 || c.Valid != 1 {
		t.Fatalf("C layout reader: %+v", c)
	}
}
