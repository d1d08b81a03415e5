package ghissue

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/report"
)

// fakeGitHub answers the three endpoints fuzzrun uses the way the GitHub
// REST API does, with two issues per page to exercise pagination, and
// fails the test on anything else (editing or closing an issue above all).
type fakeGitHub struct {
	t        *testing.T
	mu       sync.Mutex
	issues   []map[string]any
	comments map[int][]string
	creates  int
	srv      *httptest.Server
}

func newFake(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, comments: map[int][]string{}}
	// Unrelated issues and a pull request, so finding means matching.
	f.add("unrelated bug", "no marker here", "open", false)
	f.add("a PR", Marker("000000000000"), "open", true)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) add(title, body, state string, pr bool) map[string]any {
	n := len(f.issues) + 1
	is := map[string]any{
		"number": n, "title": title, "body": body, "state": state,
		"html_url":   fmt.Sprintf("https://github.example/o/r/issues/%d", n),
		"created_at": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339),
		"labels":     []map[string]any{{"name": Label}},
	}
	if pr {
		is["pull_request"] = map[string]any{"url": "x"}
	}
	f.issues = append(f.issues, is)
	return is
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer test-token" {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v3/repos/o/r/issues":
		q := r.URL.Query()
		if q.Get("state") != "all" || q.Get("labels") != "" {
			f.t.Errorf("list query %s: want state=all and no label filter", r.URL.RawQuery)
		}
		page, _ := strconv.Atoi(q.Get("page"))
		page = max(page, 1)
		lo, hi := (page-1)*2, min(page*2, len(f.issues))
		if hi < len(f.issues) {
			w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=%d>; rel="next"`, f.srv.URL, r.URL.Path, page+1))
		}
		json.NewEncoder(w).Encode(f.issues[min(lo, hi):hi])
	case r.Method == "POST" && r.URL.Path == "/api/v3/repos/o/r/issues":
		var req struct {
			Title, Body string
			Labels      []string
		}
		json.NewDecoder(r.Body).Decode(&req)
		f.creates++
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(f.add(req.Title, req.Body, "open", false))
	case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/comments"):
		n, _ := strconv.Atoi(strings.Split(r.URL.Path, "/")[7])
		var out []map[string]any
		for i, b := range f.comments[n] {
			out = append(out, map[string]any{"id": i + 1, "body": b})
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/comments"):
		n, _ := strconv.Atoi(strings.Split(r.URL.Path, "/")[7])
		var req struct{ Body string }
		json.NewDecoder(r.Body).Decode(&req)
		f.comments[n] = append(f.comments[n], req.Body)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": 1, "body": req.Body})
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}

func (f *fakeGitHub) filer(t *testing.T, token string) *Filer {
	t.Helper()
	fl, err := New("o/r", f.srv.URL+"/api/v3", token, f.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func crash(id string, count int) *report.Crash {
	return &report.Crash{
		SchemaVersion: report.SchemaVersion, ID: id, Target: "FuzzWire", Dir: "fuzz/dns",
		Package: "github.com/daemonfuzz/daemonfuzz/fuzz/dns",
		Title:   "dns: index out of range in unpackDataSVCB", Kind: "panic", Status: report.StatusOpen,
		Count: count, Signature: "panic: runtime error: index out of range\n",
		Input: report.File{Name: "input", Size: 3},
	}
}

// Filing the same crash twice, from the same store or from another machine,
// files one issue; seeing it again comments once; nothing is edited or closed.
func TestFileTwiceFilesOnce(t *testing.T) {
	ctx := context.Background()
	gh := newFake(t)
	c := crash("2ba6651eee3b", 1)

	a, err := gh.filer(t, "test-token").File(ctx, []*report.Crash{c}, []byte("abc"))
	if err != nil || a.Verb != "filed" || c.Issue == nil {
		t.Fatalf("first: %+v %v", a, err)
	}
	number := c.Issue.Number
	if !strings.Contains(gh.issues[number-1]["body"].(string), Marker(c.ID)) {
		t.Errorf("body lacks the marker")
	}

	// Second run, same store: found, nothing new, no comment.
	a, err = gh.filer(t, "test-token").File(ctx, []*report.Crash{c}, []byte("abc"))
	if err != nil || a.Verb != "linked" || a.Number != number {
		t.Fatalf("second: %+v %v", a, err)
	}
	// Another machine whose store has no issue recorded: found by marker.
	other := crash("2ba6651eee3b", 5)
	a, err = gh.filer(t, "test-token").File(ctx, []*report.Crash{other}, []byte("abc"))
	if err != nil || a.Verb != "linked" || other.Issue == nil || other.Issue.Number != number {
		t.Fatalf("other machine: %+v %v", a, err)
	}
	// Seen more often with the same build: quiet.
	c.Count = 4
	a, err = gh.filer(t, "test-token").File(ctx, []*report.Crash{c}, []byte("abc"))
	if err != nil || a.Verb != "linked" || gh.creates != 1 || len(gh.comments[number]) != 0 {
		t.Fatalf("same build again: %+v %v, comments %v", a, err, gh.comments)
	}

	// A different bug gets its own issue.
	a, err = gh.filer(t, "test-token").File(ctx, []*report.Crash{crash("0123456789ab", 1)}, nil)
	if err != nil || a.Verb != "filed" || gh.creates != 2 {
		t.Fatalf("different bug: %+v %v (creates %d)", a, err, gh.creates)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	gh := newFake(t)
	fl := gh.filer(t, "test-token")
	fl.DryRun = true
	c := crash("2ba6651eee3b", 1)
	a, err := fl.File(context.Background(), []*report.Crash{c}, []byte("x"))
	if err != nil || a.Verb != "filed" || !strings.Contains(a.Body, Marker(c.ID)) {
		t.Fatalf("%+v %v", a, err)
	}
	if gh.creates != 0 || c.Issue != nil {
		t.Errorf("dry run changed things: creates %d issue %+v", gh.creates, c.Issue)
	}
}

func TestFixedIsNotFiled(t *testing.T) {
	gh := newFake(t)
	c := crash("2ba6651eee3b", 1)
	c.Status = report.StatusFixed
	a, err := gh.filer(t, "test-token").File(context.Background(), []*report.Crash{c}, nil)
	if err != nil || a.Verb != "skipped" || gh.creates != 0 {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestBadToken(t *testing.T) {
	gh := newFake(t)
	_, err := gh.filer(t, "wrong").File(context.Background(), []*report.Crash{crash("2ba6651eee3b", 1)}, nil)
	if err == nil || !strings.Contains(err.Error(), TokenEnv) {
		t.Fatalf("err = %v, want one naming %s", err, TokenEnv)
	}
}

func TestNewRejectsBadRepo(t *testing.T) {
	for _, r := range []string{"", "o", "/r", "o/", "o/r/x"} {
		if _, err := New(r, "", "", nil); err == nil {
			t.Errorf("New(%q) accepted", r)
		}
	}
}

func TestOfflineDryRunContactsNothing(t *testing.T) {
	fl, err := New("o/r", "http://127.0.0.1:1/", "", nil) // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	fl.DryRun, fl.Offline = true, true
	a, err := fl.File(context.Background(), []*report.Crash{crash("2ba6651eee3b", 1)}, []byte("x"))
	if err != nil || a.Verb != "filed" {
		t.Fatalf("%+v %v", a, err)
	}
}

// Two simulated nights and more: a nightly keeps no state, the issue does.
// A closed issue whose crash is back hears about it once per new build, not
// once per night; one bug found by two targets is one issue listing both;
// an issue whose label was removed is still found by its marker; bodies and
// comments link the workflow run.
func TestNightsAreQuiet(t *testing.T) {
	ctx := context.Background()
	gh := newFake(t)
	env := map[string]string{"GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "77"}
	night := func(deps string) (Action, []*report.Crash) {
		t.Helper()
		wire, zone := crash("e5a3e2ff2085", 1), crash("e5a3e2ff2085", 2)
		zone.Target = "FuzzZone"
		for _, c := range []*report.Crash{wire, zone} {
			c.Deps = []report.Module{{Path: "github.com/miekg/dns", Version: deps}}
		}
		fl := gh.filer(t, "test-token") // a fresh process each night
		fl.Build = "go1.26.8"
		fl.Run = RunFromEnv(func(k string) string { return env[k] })
		group := []*report.Crash{wire, zone}
		a, err := fl.File(ctx, group, []byte("abc"))
		if err != nil {
			t.Fatal(err)
		}
		return a, group
	}
	a, group := night("v1.1.73")
	if a.Verb != "filed" || group[1].Issue == nil || group[1].Issue.Number != a.Number {
		t.Fatalf("night 1: %+v", a)
	}
	body := gh.issues[a.Number-1]["body"].(string)
	for _, want := range []string{"`fuzz/dns:FuzzWire`", "`fuzz/dns:FuzzZone`", "https://github.example/o/r/actions/runs/77", "#artifacts", Marker("e5a3e2ff2085")} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	// Someone removes the label and closes the issue.
	gh.issues[a.Number-1]["labels"] = []map[string]any{}
	gh.issues[a.Number-1]["state"] = "closed"
	for n := 2; n <= 3; n++ {
		if a, _ := night("v1.1.73"); a.Verb != "linked" {
			t.Fatalf("night %d, same build: %s", n, a.Verb)
		}
	}
	for n := 4; n <= 5; n++ {
		a, _ := night("v1.1.74")
		want := "linked"
		if n == 4 {
			want = "commented"
		}
		if a.Verb != want {
			t.Fatalf("night %d, new dns release: %s, want %s", n, a.Verb, want)
		}
	}
	cs := gh.comments[a.Number]
	if gh.creates != 1 || len(cs) != 1 || !strings.Contains(cs[0], "closed but the crash still reproduces") || !strings.Contains(cs[0], "v1.1.74") || !strings.Contains(cs[0], "actions/runs/77") {
		t.Errorf("creates %d, comments %q", gh.creates, cs)
	}
}
