package workdir

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lock is the work directory's lock, held for a whole run so that two runs
// never write one work corpus. It is a flock(2) on the lock file, so a run
// that dies (even by SIGKILL) releases it: a stale lock file is simply taken
// over. The file records the holder's pid and start time for the message a
// second run prints.
type Lock struct {
	f *os.File
}

// LockedError reports a work directory another run holds.
type LockedError struct {
	Path    string
	PID     int
	Started string
}

func (e *LockedError) Error() string {
	who := "another fuzzrun run"
	if e.PID > 0 {
		who = fmt.Sprintf("another fuzzrun run (pid %d, started %s)", e.PID, e.Started)
	}
	return fmt.Sprintf("%s is using this work directory (%s); wait for it to finish or stop it, or pass -workdir to use another", who, e.Path)
}

// Acquire takes the lock at path without waiting.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			le := &LockedError{Path: path}
			if data, err := os.ReadFile(path); err == nil {
				le.PID, le.Started = parseLockInfo(string(data))
			}
			return nil, le
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	info := fmt.Sprintf("pid %d\nstarted %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(info), 0)
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up. The file stays: removing it would let a third
// run lock a new file while a second still waits on the old one.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}

func parseLockInfo(s string) (pid int, started string) {
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(line, "pid "); ok {
			pid, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "started "); ok {
			started = strings.TrimSpace(v)
		}
	}
	return pid, started
}
