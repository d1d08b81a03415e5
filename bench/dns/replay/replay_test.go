package replay

import (
	"os"
	"strings"
	"testing"
)

// TestReplay runs DNSBENCH_TARGETS (comma-separated FuzzXxx names) over
// their seeds (unless DNSBENCH_SEEDS=0) and the fuzz cache directories in
// DNSBENCH_CACHE_<FuzzXxx>. Without DNSBENCH_TARGETS it replays every
// target's seeds once, which keeps the package honest under go test ./...
func TestReplay(t *testing.T) {
	names := strings.Split(os.Getenv("DNSBENCH_TARGETS"), ",")
	if names[0] == "" {
		names = []string{"FuzzWire", "FuzzRR", "FuzzStructured", "FuzzOSSFuzz", "FuzzOSSNewRR", "FuzzNaiveUnpack"}
	}
	withSeeds := os.Getenv("DNSBENCH_SEEDS") != "0"
	for _, name := range names {
		inputs, err := Inputs(name, withSeeds, os.Getenv("DNSBENCH_CACHE_"+name))
		if err != nil {
			t.Fatal(err)
		}
		body := Targets[name].Body
		for _, in := range inputs {
			body(in)
		}
		t.Logf("%s: %d inputs", name, len(inputs))
	}
}

func TestInputsUnknownTarget(t *testing.T) {
	if _, err := Inputs("FuzzNope", true); err == nil || !strings.Contains(err.Error(), "FuzzNope") {
		t.Fatalf("Inputs(FuzzNope) = %v, want an error naming the target", err)
	}
}

func TestInputsMissingCacheDirIsEmpty(t *testing.T) {
	// A fuzz run that found nothing new leaves no cache directory; that
	// is zero inputs, not an error.
	in, err := Inputs("FuzzNaiveUnpack", false, t.TempDir()+"/absent")
	if err != nil || len(in) != 0 {
		t.Fatalf("Inputs = %d inputs, %v; want 0, nil", len(in), err)
	}
}
