package ossfuzz

// Action is a third-party GitHub Action pinned to a full commit SHA, with the
// release that commit is, for the `# vX` comment beside the pin.
type Action struct {
	Repo, SHA, Version string
}

// Uses returns the value of a workflow step's uses: key, without the comment.
func (a Action) Uses() string { return a.Repo + "@" + a.SHA }

// ClusterFuzzLite's actions, pinned. The SHA is the commit the v1 tag named
// when this was written (google/clusterfuzzlite); bump both together.
var (
	CFLBuildFuzzers = Action{"google/clusterfuzzlite/actions/build_fuzzers", "884713a6c30a92e5e8544c39945cd7cb630abcd1", "v1"}
	CFLRunFuzzers   = Action{"google/clusterfuzzlite/actions/run_fuzzers", "884713a6c30a92e5e8544c39945cd7cb630abcd1", "v1"}
)
