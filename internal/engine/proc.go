package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultStopGrace is how long a process group has to exit after SIGINT
// before it is killed.
const DefaultStopGrace = 5 * time.Second

// startGroup starts cmd as the leader of a new process group, so that the
// group (the coordinator and every worker it forks) can be signalled as one
// and a terminal's Ctrl-C reaches fuzzrun alone, which then stops it in order.
func startGroup(cmd *exec.Cmd) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	return cmd.Start()
}

// waitGroup waits for a process started by startGroup. When ctx is done
// first it sends SIGINT to the group (Go's fuzz coordinator then stops its
// workers and flushes its corpus), and SIGKILL after grace. Whatever way the
// leader ends, the rest of its group is killed, so no worker outlives it.
func waitGroup(ctx interface{ Done() <-chan struct{} }, cmd *exec.Cmd, grace time.Duration) error {
	if grace <= 0 {
		grace = DefaultStopGrace
	}
	pid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	syscall.Kill(-pid, syscall.SIGINT)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		syscall.Kill(-pid, syscall.SIGKILL)
		return <-done
	}
}

// descendants returns the pids of every process below pid. It reads the
// kernel's per-thread children lists, a few small files per process, and
// falls back to scanning all of /proc where those lists are not available.
// A process that exits while it is read is skipped.
func descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		kids, ok := childrenOf(p)
		if !ok {
			return scanDescendants(pid)
		}
		out = append(out, kids...)
		queue = append(queue, kids...)
	}
	return out
}

// childrenOf reads /proc/<pid>/task/*/children. ok is false when the kernel
// does not provide the files.
func childrenOf(pid int) (kids []int, ok bool) {
	tasks, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
	if err != nil {
		return nil, !errors.Is(err, os.ErrNotExist) || processGone(pid)
	}
	for _, t := range tasks {
		data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", t.Name(), "children"))
		if errors.Is(err, os.ErrNotExist) && !processGone(pid) {
			return nil, false
		}
		for _, f := range strings.Fields(string(data)) {
			if c, err := strconv.Atoi(f); err == nil {
				kids = append(kids, c)
			}
		}
	}
	return kids, true
}

func processGone(pid int) bool {
	_, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid)))
	return errors.Is(err, os.ErrNotExist)
}

// scanDescendants finds the descendants of pid from every process's parent
// in /proc/*/stat.
func scanDescendants(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := make(map[int][]int)
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := ppid(p); ok {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// ppid reads the parent pid from /proc/<pid>/stat, whose second field (the
// command name, in parentheses) may itself hold spaces and parentheses.
func ppid(pid int) (int, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}

// memMB returns the memory pid holds in MiB: the larger of its resident set
// and its private writable mappings (VmData). Go maps fresh heap from the
// kernel already zeroed and does not touch it, so a huge untouched
// allocation, the usual shape of a length-field bug (make([]byte, n) with n
// from the input), shows in VmData long before, or without ever, showing in
// the resident set.
func memMB(pid int) (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	var kb int64
	found := false
	for _, line := range strings.Split(string(data), "\n") {
		for _, key := range []string{"VmRSS:", "VmData:"} {
			rest, ok := strings.CutPrefix(line, key)
			if !ok {
				continue
			}
			f := strings.Fields(rest)
			if len(f) == 0 {
				continue
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s %q: %w", key, rest, err)
			}
			kb, found = max(kb, n), true
		}
	}
	if !found {
		return 0, errors.New("no VmRSS or VmData in /proc status")
	}
	return kb / 1024, nil
}
