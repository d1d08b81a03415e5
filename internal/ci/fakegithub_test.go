package ci

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeGitHub is the part of the GitHub REST API that `fuzzrun file` uses,
// for repository o/r under /api/v3 (the GitHub Enterprise layout go-github
// expects of a base URL): issues listed (paginated, two a page), created,
// read and edited (never closed), and comments listed and created. It keeps
// its issues across workflow runs, as GitHub does across nights.
type fakeGitHub struct {
	t        *testing.T
	mu       sync.Mutex
	issues   []map[string]any
	comments map[int][]string
	srv      *httptest.Server
}

const fakeToken = "nightly-test-token"

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, comments: map[int][]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// APIURL is the value of $GITHUB_API_URL that points fuzzrun at the fake.
func (f *fakeGitHub) APIURL() string { return f.srv.URL + "/api/v3" }

var (
	issuePath    = regexp.MustCompile(`^/api/v3/repos/o/r/issues/([0-9]+)$`)
	commentsPath = regexp.MustCompile(`^/api/v3/repos/o/r/issues/([0-9]+)/comments$`)
)

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer "+fakeToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	var req map[string]any
	if r.Method == "POST" || r.Method == "PATCH" {
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	switch m, c := issuePath.FindStringSubmatch(r.URL.Path), commentsPath.FindStringSubmatch(r.URL.Path); {
	case r.URL.Path == "/api/v3/repos/o/r/issues" && r.Method == "GET":
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		lo, hi := min((page-1)*2, len(f.issues)), min(page*2, len(f.issues))
		if hi < len(f.issues) {
			w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s&page=%d>; rel="next"`, f.srv.URL, r.URL.Path, r.URL.Query().Encode(), page+1))
		}
		json.NewEncoder(w).Encode(f.issues[lo:hi])
	case r.URL.Path == "/api/v3/repos/o/r/issues" && r.Method == "POST":
		n := len(f.issues) + 1
		is := map[string]any{
			"number": n, "title": req["title"], "body": req["body"], "state": "open",
			"html_url":   fmt.Sprintf("https://github.example/o/r/issues/%d", n),
			"created_at": time.Now().UTC().Format(time.RFC3339), "labels": labels(req["labels"]),
		}
		f.issues = append(f.issues, is)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(is)
	case m != nil && (r.Method == "GET" || r.Method == "PATCH"):
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(f.issues) {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		is := f.issues[n-1]
		for k, v := range req {
			if k == "state" && v != is["state"] {
				f.t.Errorf("fuzzrun changed the state of issue #%d to %v; it must never close or reopen issues", n, v)
			}
			if k == "labels" {
				v = labels(v)
			}
			is[k] = v
		}
		json.NewEncoder(w).Encode(is)
	case c != nil && r.Method == "GET":
		n, _ := strconv.Atoi(c[1])
		var out []map[string]any
		for i, body := range f.comments[n] {
			out = append(out, map[string]any{"id": n*1000 + i, "body": body})
		}
		if out == nil {
			out = []map[string]any{}
		}
		json.NewEncoder(w).Encode(out)
	case c != nil && r.Method == "POST":
		n, _ := strconv.Atoi(c[1])
		body, _ := req["body"].(string)
		f.comments[n] = append(f.comments[n], body)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": n*1000 + len(f.comments[n]), "body": body})
	default:
		f.t.Errorf("fake GitHub: unexpected request %s %s", r.Method, r.URL)
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}

func labels(v any) []map[string]any {
	var out []map[string]any
	list, _ := v.([]any)
	for _, l := range list {
		out = append(out, map[string]any{"name": l})
	}
	return out
}

// snapshot returns each issue's body and its comments, by number.
func (f *fakeGitHub) snapshot() (bodies map[int]string, comments map[int][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bodies, comments = map[int]string{}, map[int][]string{}
	for _, is := range f.issues {
		n := is["number"].(int)
		bodies[n], _ = is["body"].(string)
		comments[n] = append([]string(nil), f.comments[n]...)
	}
	return bodies, comments
}
