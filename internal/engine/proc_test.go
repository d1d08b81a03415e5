package engine

import (
	"os/exec"
	"slices"
	"testing"
	"time"
)

func TestDescendants(t *testing.T) {
	// sh starts sleep as its child; both are below this test process.
	cmd := exec.Command("sh", "-c", "sleep 30 & wait")
	if err := startGroup(cmd); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	var got []int
	// Until sh has forked sleep: a condition, polled for up to a minute,
	// because a starved machine may take seconds to schedule the fork.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got = descendants(cmd.Process.Pid); len(got) > 0 {
			break
		}
	}
	want := scanDescendants(cmd.Process.Pid)
	slices.Sort(got)
	slices.Sort(want)
	if len(got) != 1 || !slices.Equal(got, want) {
		t.Errorf("descendants = %v, scan of /proc = %v, want the one sleep", got, want)
	}
	if rss, err := memMB(cmd.Process.Pid); err != nil || rss < 0 {
		t.Errorf("memMB = %d, %v", rss, err)
	}
}
