package report

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSON renders one crash as indented JSON, the content of report.json.
func JSON(c *Crash) ([]byte, error) {
	return marshal(c)
}

// List is the JSON document `fuzzrun report -format json` writes: every
// crash of a store, in the order given.
type List struct {
	SchemaVersion int      `json:"schema_version"`
	Crashes       []*Crash `json:"crashes"`
}

// JSONList renders crashes as a List.
func JSONList(crashes []*Crash) ([]byte, error) {
	if crashes == nil {
		crashes = []*Crash{}
	}
	return marshal(List{SchemaVersion: SchemaVersion, Crashes: crashes})
}

// ParseList reads a document written by JSONList, so every other view can be
// re-rendered from saved JSON.
func ParseList(data []byte) ([]*Crash, error) {
	var l List
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("not a fuzzrun report JSON document: %w", err)
	}
	if l.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("schema_version %d is newer than this fuzzrun's %d; update fuzzrun", l.SchemaVersion, SchemaVersion)
	}
	return l.Crashes, nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
