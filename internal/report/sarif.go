package report

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/signature"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. Each signature is a
// rule; each crash a result located at the first stack frame in the
// module (or the fuzz target's package when the whole stack is in
// dependencies), with the signature id as its fingerprint so code scanning
// tracks one alert per bug.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	ShortDescription sarifMessage `json:"shortDescription"`
	FullDescription  sarifMessage `json:"fullDescription"`
	Help             sarifMessage `json:"help"`
	Properties       sarifProps   `json:"properties"`
}

type sarifProps struct {
	Tags     []string `json:"tags,omitempty"`
	Severity string   `json:"security-severity,omitempty"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// SARIF renders crashes as a SARIF 2.1.0 log. moduleRoot is the absolute
// module root, to make stack paths repository-relative; fixed crashes are
// left out (code scanning closes their alerts).
func SARIF(crashes []*Crash, moduleRoot string) ([]byte, error) {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "fuzzrun", InformationURI: "https://github.com/daemonfuzz/daemonfuzz", Rules: []sarifRule{}}}, Results: []sarifResult{}}
	seen := map[string]bool{}
	for _, c := range crashes {
		if c.Status == StatusFixed || c.Status == StatusDuplicate {
			continue
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			replay, gotest := c.ReproCommands(nil)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
				ID:               c.ID,
				Name:             "FuzzCrash" + strings.ToUpper(c.Kind[:1]) + c.Kind[1:],
				ShortDescription: sarifMessage{Text: Clean(c.Title, true)},
				FullDescription:  sarifMessage{Text: c.Signature},
				Help:             sarifMessage{Text: "Reproduce: " + replay + "\n" + gotest, Markdown: "Reproduce:\n\n```sh\n" + replay + "\n" + gotest + "\n```"},
				Properties:       sarifProps{Tags: []string{"fuzzing", c.Kind}, Severity: severity(c.Kind)},
			})
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              c.ID,
			Level:               "error",
			Message:             sarifMessage{Text: Clean(c.Title, true) + " (" + c.TargetID() + ", seen " + strconv.Itoa(c.Count) + " times, status " + c.StatusText() + ")"},
			Locations:           []sarifLocation{location(c, moduleRoot)},
			PartialFingerprints: map[string]string{"fuzzrunSignature/v1": c.ID},
			Properties:          map[string]any{"target": c.TargetID(), "kind": c.Kind, "count": c.Count, "status": c.Status},
		})
	}
	return marshal(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// fatalAt is the file:line prefix of a test's failure message.
var fatalAt = regexp.MustCompile(`^([\w.-]+\.go):(\d+): `)

// severity maps a crash kind to a CVSS-like score code scanning ranks by: a
// memory-safety-adjacent panic in a network parser is a denial of service.
func severity(kind string) string {
	switch kind {
	case "panic", "fatal", "hang", "oom":
		return "7.5"
	}
	return "5.0"
}

// location is the innermost stack frame inside the repository, else the
// target's package directory. Stored stacks are module-relative (see
// signature.RelStack): a relative path that is not a module-cache file
// (module@version/...) or a standard-library one is in the repository, on
// any checkout. An absolute path under moduleRoot (a report from before
// paths were stored relative) counts too.
func location(c *Crash, moduleRoot string) sarifLocation {
	root := strings.TrimSuffix(moduleRoot, "/") + "/"
	for _, f := range c.Stack {
		rel := ""
		switch {
		case f.Line <= 0 || f.File == "":
		case moduleRoot != "" && strings.HasPrefix(f.File, root):
			rel = strings.TrimPrefix(f.File, root)
		case !strings.HasPrefix(f.File, "/") && !strings.HasPrefix(f.File, signature.GorootPrefix) && !strings.Contains(f.File, "@"):
			rel = f.File
		}
		if rel != "" {
			return sarifLocation{sarifPhysical{ArtifactLocation: sarifArtifact{URI: rel, URIBaseID: "%SRCROOT%"}, Region: &sarifRegion{StartLine: f.Line}}}
		}
	}
	// An oracle violation has no stack of its own: the t.Fatal line go test
	// printed ("fuzz_test.go:16: oracle ...") is in the target's package.
	if m := fatalAt.FindStringSubmatch(c.RawMessage); m != nil {
		if line, err := strconv.Atoi(m[2]); err == nil && line > 0 {
			return sarifLocation{sarifPhysical{ArtifactLocation: sarifArtifact{URI: path.Join(c.Dir, m[1]), URIBaseID: "%SRCROOT%"}, Region: &sarifRegion{StartLine: line}}}
		}
	}
	return sarifLocation{sarifPhysical{ArtifactLocation: sarifArtifact{URI: path.Join(c.Dir, "fuzz_test.go"), URIBaseID: "%SRCROOT%"}}}
}
