package ntpnsfuzz

import (
	"fmt"
	"os"
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/netns"
)

// TestMain re-executes the test binary in a private network namespace
// (every go test -fuzz worker too, each in its own). Where that is not
// permitted the tests run where they are: FuzzResponderNS then fuzzes the
// loopback responder and TestResponderNS skips, both saying why.
func TestMain(m *testing.M) {
	if err := netns.Isolate(); err != nil {
		fmt.Fprintf(os.Stderr, "fuzz/ntpns: %v; FuzzResponderNS falls back to the loopback responder\n", err)
	}
	os.Exit(m.Run())
}
