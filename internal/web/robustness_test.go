package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

var routeRe = regexp.MustCompile(`HandleFunc\("(GET|POST|PUT|PATCH|DELETE) (/[^"]*)"`)

// routes reads every route the server registers from its source, so that a
// new route is covered without editing this test.
func routes(t *testing.T) [][2]string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	var out [][2]string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routeRe.FindAllStringSubmatch(string(b), -1) {
			out = append(out, [2]string{m[1], m[2]})
		}
	}
	if len(out) < 40 {
		t.Fatalf("found only %d routes", len(out))
	}
	return out
}

var wildcardRe = regexp.MustCompile(`\{[a-z]+\}`)

// TestNoServerErrors sends every route malformed ids, unknown ids, empty and
// garbage forms, as an anonymous visitor, a recruiter of another
// organization, an admin and staff. Bad input must get a 4xx (or a page), never a 5xx.
func TestNoServerErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := start(t, "")
	admin, ann := e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	stranger, _ := e.member(t, "globex", "gus@globex.test", model.RoleRecruiter)
	staff := apptest.NewClient(t, e.URL)
	staff.SignIn("staff@ts.test", password)
	p := importExample(t, e, ann, "customer-support-lead")
	_, err := e.Candidates.Add(ctx, ann.Actor(), p.ID, candidates.Person{FirstName: "Ada", LastName: "L", Email: "ada@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"0", "-1", "abc", "99999999999999999999", "%2e%2e", strings.Repeat("x", 300), "1"}
	forms := []url.Values{
		{},
		{"title": {"\x00"}, "name": {"<script>"}, "email": {"@"}, "days": {"-5"}, "level": {"9"}, "extra_time_pct": {"1e9"}, "revision": {"-1"},
			"question": {"nope"}, "direction": {"sideways"}, "role": {"owner"}, "kind": {"essay"}, "rows": {"100000"}, "weight": {"NaN"}},
	}
	clients := map[string]*apptest.Client{"anonymous": apptest.NewClient(t, e.URL), "stranger": stranger, "admin": admin, "staff": staff}
	n := 0
	for _, rt := range routes(t) {
		method, pattern := rt[0], strings.TrimSuffix(rt[1], "{$}")
		if pattern == "/" || pattern == "/logout" || strings.HasPrefix(pattern, "/static/") {
			continue
		}
		for _, v := range values {
			path := wildcardRe.ReplaceAllStringFunc(pattern, func(w string) string {
				switch {
				case v == "1" && w == "{id}":
					return "1"
				case v == "1" && w == "{cid}":
					return "1"
				}
				return v
			})
			for who, c := range clients {
				if method == http.MethodGet {
					if r := c.Get(path); r.Status >= 500 {
						t.Errorf("%s GET %s as %s: %d", method, path, who, r.Status)
					}
					n++
					continue
				}
				for _, f := range forms {
					page := "/settings"
					if who == "anonymous" {
						page = "/login"
					}
					r := c.Submit(page, path, f)
					if r.Status >= 500 {
						t.Errorf("POST %s as %s with %v: %d", path, who, f, r.Status)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d requests, no server error", n)
}
