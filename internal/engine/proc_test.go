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
	for range 200 { // until sh has forked sleep
		if got = descendants(cmd.Process.Pid); len(got) > 0 {
			break
		}
		waitBriefly()
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

func waitBriefly() { time.Sleep(50 * time.Millisecond) }
