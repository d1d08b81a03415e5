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
		if q.Get("state") != "all" || q.Get("labels") != Label {
			f.t.Errorf("list query %s: want state=all labels=%s", r.URL.RawQuery, Label)
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

	a, err := gh.filer(t, "test-token").File(ctx, c, []byte("abc"))
	if err != nil || a.Verb != "filed" || c.Issue == nil {
		t.Fatalf("first: %+v %v", a, err)
	}
	number := c.Issue.Number
	if !strings.Contains(gh.issues[number-1]["body"].(string), Marker(c.ID)) {
		t.Errorf("body lacks the marker")
	}

	// Second run, same store: found, nothing new, no comment.
	a, err = gh.filer(t, "test-token").File(ctx, c, []byte("abc"))
	if err != nil || a.Verb != "linked" || a.Number != number {
		t.Fatalf("second: %+v %v", a, err)
	}
	// Another machine whose store has no issue recorded: found by marker.
	other := crash("2ba6651eee3b", 5)
	a, err = gh.filer(t, "test-token").File(ctx, other, []byte("abc"))
	if err != nil || a.Verb != "linked" || other.Issue == nil || other.Issue.Number != number {
		t.Fatalf("other machine: %+v %v", a, err)
	}
	// Seen again since: one comment.
	c.Count = 4
	a, err = gh.filer(t, "test-token").File(ctx, c, []byte("abc"))
	if err != nil || a.Verb != "commented" {
		t.Fatalf("recurrence: %+v %v", a, err)
	}
	a, _ = gh.filer(t, "test-token").File(ctx, c, []byte("abc"))
	if a.Verb != "linked" {
		t.Errorf("no new sightings but %s", a.Verb)
	}
	if gh.creates != 1 || len(gh.comments[number]) != 1 || !strings.Contains(gh.comments[number][0], "4 times") {
		t.Errorf("creates %d, comments %v", gh.creates, gh.comments)
	}

	// A different bug gets its own issue.
	a, err = gh.filer(t, "test-token").File(ctx, crash("0123456789ab", 1), nil)
	if err != nil || a.Verb != "filed" || gh.creates != 2 {
		t.Fatalf("different bug: %+v %v (creates %d)", a, err, gh.creates)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	gh := newFake(t)
	fl := gh.filer(t, "test-token")
	fl.DryRun = true
	c := crash("2ba6651eee3b", 1)
	a, err := fl.File(context.Background(), c, []byte("x"))
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
	a, err := gh.filer(t, "test-token").File(context.Background(), c, nil)
	if err != nil || a.Verb != "skipped" || gh.creates != 0 {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestBadToken(t *testing.T) {
	gh := newFake(t)
	_, err := gh.filer(t, "wrong").File(context.Background(), crash("2ba6651eee3b", 1), nil)
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
	a, err := fl.File(context.Background(), crash("2ba6651eee3b", 1), []byte("x"))
	if err != nil || a.Verb != "filed" {
		t.Fatalf("%+v %v", a, err)
	}
}
