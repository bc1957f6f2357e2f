package web_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

// TestNoRepositoryLinksInPages keeps customers' pages free of pointers to
// the source repository or a code-hosting site: the product ships its
// templates and its format page itself.
func TestNoRepositoryLinksInPages(t *testing.T) {
	t.Parallel()
	bad := regexp.MustCompile(`(?i)github\.com|examples/postings|gitlab\.com`)
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if bad.MatchString(line) {
				t.Errorf("%s:%d points to the source repository: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStartFromTemplate offers the shipped example postings on the empty
// postings list, the new posting page and the import page, creates a draft
// from one, downloads one, and shows the format page in the product.
func TestStartFromTemplate(t *testing.T) {
	t.Parallel()
	e := start(t, "")
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	c := apptest.NewClient(t, e.URL)
	c.SignIn("ann@acme.test", password)
	for _, page := range []string{"/postings", "/postings/new", "/postings/import"} {
		expectStatus(t, page, c.Get(page), http.StatusOK, "Start from a template", "Senior Backend Engineer (Go)",
			`action="/posting-templates/backend-engineer"`, `href="/posting-templates/data-analyst.json"`)
	}
	expectStatus(t, "import page links the format", c.Get("/postings/import"), http.StatusOK, `href="/help/posting-format"`)
	expectStatus(t, "format page", c.Get("/help/posting-format"), http.StatusOK, "Posting format", "Publish rules",
		`href="`+e.URL+`/help/posting.schema.json"`, `href="`+e.URL+`/posting-templates/data-analyst.json"`)
	if body := c.Get("/help/posting-format").Body; strings.Contains(body, "internal/") {
		t.Error("the format page speaks of the source code")
	}
	expectStatus(t, "schema", c.Get("/help/posting.schema.json"), http.StatusOK, `"$schema"`)

	r := c.Submit("/postings", "/posting-templates/customer-support-lead", url.Values{})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/postings/") {
		t.Fatalf("use a template: %d %q", r.Status, r.Location)
	}
	expectStatus(t, "the draft", c.Get(r.Location), http.StatusOK, "Created a draft from the template", "draft")
	expectStatus(t, "unknown template", c.Submit("/postings", "/posting-templates/nope", url.Values{}), http.StatusNotFound)

	dl := c.Get("/posting-templates/data-analyst.json")
	want, err := os.ReadFile("../../examples/postings/data-analyst.json")
	if err != nil {
		t.Fatal(err)
	}
	if dl.Status != http.StatusOK || dl.Body != string(want) {
		t.Errorf("download: %d, %d bytes, want the example file (%d bytes)", dl.Status, len(dl.Body), len(want))
	}
	if got := c.Get("/postings"); strings.Contains(got.Body, "Start from a template") {
		t.Error("a list with postings still shows the empty state's templates")
	}
}

// TestBrowserStartFromTemplate walks the empty state's template to a draft
// in Chromium, with the accessibility audit on the pages it passes.
func TestBrowserStartFromTemplate(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := start(t, "")
	e.member(t, "acme", "ann@acme.test", model.RoleAdmin)
	signInBrowser(t, ctx, e.URL, "ann@acme.test")
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+"/postings"))
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "ux-postings-empty-1280")
	apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	apptest.Screenshot(t, ctx, "ux-postings-empty-390")
	apptest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	apptest.Load(t, ctx, chromedp.Click(`button[aria-describedby="tpl-backend-engineer"]`))
	if h := apptest.Get(t, ctx, chromedp.Text(`h1`)); !strings.Contains(h, "Senior Backend Engineer") {
		t.Fatalf("after using the template: %q", h)
	}
	for _, page := range []string{"/postings/new", "/postings/import", "/help/posting-format"} {
		apptest.Load(t, ctx, chromedp.Navigate(e.URL+page))
		apptest.Audit(t, ctx)
	}
}
