// Command repro shows that github.com/facebook/time's ntp/shm.ReadID (and
// so shm.Read and shm.Time) attaches the SysV shared memory segment and
// never detaches it: every call leaves one more mapping in the process.
//
// It creates a private segment of the size ntpd's SHM driver uses, attaches
// it once itself and marks it for removal (so nothing outlives the
// program), calls ReadID 10 times and reads the segment's attach count
// (shm_nattch, IPC_STAT). Exit status 1 when ReadID left mappings
// attached, 0 when the count is back to this program's own 1.
package main

import (
	"fmt"
	"os"

	"github.com/facebook/time/ntp/shm"
	"golang.org/x/sys/unix"
)

const calls = 10

func main() {
	id, err := unix.SysvShmGet(unix.IPC_PRIVATE, shm.NTPSHMSize, unix.IPC_CREAT|0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro: create a SysV shared memory segment:", err)
		os.Exit(2)
	}
	// Linux destroys a segment marked for removal when its last mapping
	// goes away, at the latest when this process exits; this mapping keeps
	// it alive for ReadID until then.
	if _, err := unix.SysvShmAttach(id, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	if _, err := unix.SysvShmCtl(id, unix.IPC_RMID, nil); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	for range calls {
		if _, err := shm.ReadID(uintptr(id)); err != nil {
			fmt.Fprintln(os.Stderr, "repro: ReadID:", err)
			os.Exit(2)
		}
	}
	var ds unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &ds); err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	if leaked := ds.Nattch - 1; leaked != 0 {
		fmt.Printf("present: after %d shm.ReadID calls %d mappings of segment %d are left attached (shm_nattch %d, 1 of them this program's own)\n", calls, leaked, id, ds.Nattch)
		os.Exit(1)
	}
	fmt.Printf("absent: after %d shm.ReadID calls segment %d is attached only by this program (shm_nattch %d)\n", calls, id, ds.Nattch)
}
