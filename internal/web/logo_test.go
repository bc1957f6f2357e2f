package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// pngLogo is a small PNG image.
func pngLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := 0; x < 120; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.RGBA{R: 30, G: 64, B: uint8(100 + x), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postLogo uploads data as the logo from the settings page.
func postLogo(t *testing.T, c *apptest.Client, name, contentType string, data []byte) *apptest.Response {
	t.Helper()
	token := csrfOf(t, c.Get("/settings").Body)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", token)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="logo"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base()+"/settings/logo", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	return &apptest.Response{Status: resp.StatusCode, Body: body.String(), Location: resp.Header.Get("Location"), Header: resp.Header}
}

var logoRe = regexp.MustCompile(`<img class="a-logo" src="(/a/[^"]+/logo\?v=[0-9a-z]+)" alt="Acme">`)

// TestOrgLogo checks the employer's logo: only an admin uploads it, only a
// PNG or JPEG by its content and within the size limit, and it is shown,
// with the employer's name as its text, on the candidate's pages including
// a replaced and an expired link's, served as an image with nosniff.
func TestOrgLogo(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := startAssess(t, dbURL)
		admin := apptest.NewClient(t, e.URL)
		admin.SignIn("ann@acme.test", password)
		rec, _ := e.member(t, "acme", "rob@acme.test", model.RoleRecruiter)
		pid := e.publish(t, smallPosting())
		cand, path := e.candidate(t, pid, "cleo@example.test")
		if logoRe.MatchString(admin.Get(path).Body) {
			t.Fatal("a logo before any was uploaded")
		}

		logo := pngLogo(t)
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		expectStatus(t, "an SVG named .png", postLogo(t, admin, "logo.png", "image/png", svg), http.StatusBadRequest, "must be a PNG or JPEG image")
		expectStatus(t, "too large", postLogo(t, admin, "big.png", "image/png", append(logo[:len(logo):len(logo)], make([]byte, 210<<10)...)), http.StatusRequestEntityTooLarge, "larger than 200 KB")
		expectStatus(t, "a recruiter", postLogo(t, rec, "logo.png", "image/png", logo), http.StatusForbidden)
		expectRedirect(t, "upload", postLogo(t, admin, "logo.png", "application/octet-stream", logo), "/settings#logo")
		expectStatus(t, "settings show it", admin.Get("/settings"), http.StatusOK, `<img class="a-logo" src="/settings/logo?v=`, `alt="Acme"`, "Remove the logo")

		pages := map[string]string{"welcome": path}
		welcome := admin.Get(path)
		m := logoRe.FindStringSubmatch(welcome.Body)
		if m == nil {
			t.Fatalf("the welcome page has no logo\n%s", excerptBody(welcome.Body))
		}
		anon := apptest.NewClient(t, e.URL)
		img := anon.Get(m[1])
		if img.Status != http.StatusOK || img.Body != string(logo) || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("logo: %d %q %q, %d bytes", img.Status, img.Header.Get("Content-Type"), img.Header.Get("X-Content-Type-Options"), len(img.Body))
		}

		// A replaced link's page still shows whose assessment it was.
		if err := e.Candidates.Reset(context.Background(), e.admin.Actor(), cand.ID); err != nil {
			t.Fatal(err)
		}
		pages["replaced"] = path
		// An expired link's page too.
		c2, path2 := e.candidate(t, pid, "dan@example.test")
		c2.ExpiresAt = e.clock.Now().Add(-time.Hour)
		if err := store.UpdateCandidate(context.Background(), e.Store.DB, c2, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		pages["expired"] = path2
		// And a question page.
		_, path3 := e.candidate(t, pid, "eve@example.test")
		started := apptest.NewClient(t, e.URL)
		started.Submit(path3, path3+"/start", url.Values{"consent": {"yes"}})
		pages["question"] = path3 + "/q/1"
		pages["review"] = path3 + "/review"
		for name, p := range pages {
			r := started.Get(p)
			m := logoRe.FindStringSubmatch(r.Body)
			if m == nil {
				t.Errorf("the %s page (%d) has no logo\n%s", name, r.Status, excerptBody(r.Body))
				continue
			}
			if img := anon.Get(m[1]); img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/png" {
				t.Errorf("the %s page's logo: %d", name, img.Status)
			}
		}

		expectRedirect(t, "remove", admin.Submit("/settings", "/settings/logo/delete", nil), "/settings#logo")
		if r := anon.Get(path2); strings.Contains(r.Body, "a-logo") {
			t.Error("a removed logo is still shown")
		}
	})
}

// TestBrowserOrgLogo looks at a candidate's welcome page with a logo at
// 1280 and 390 px, with the accessibility audit.
func TestBrowserOrgLogo(t *testing.T) {
	t.Parallel()
	ctx := apptest.Browser(t)
	e := startAssess(t, "")
	admin := apptest.NewClient(t, e.URL)
	admin.SignIn("ann@acme.test", password)
	expectRedirect(t, "upload", postLogo(t, admin, "logo.png", "image/png", pngLogo(t)), "/settings#logo")
	pid := e.publish(t, smallPosting())
	_, path := e.candidate(t, pid, "cleo@example.test")
	apptest.Load(t, ctx, chromedp.Navigate(e.URL+path))
	if w := apptest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelector('img.a-logo').naturalWidth`)); w != 120 {
		t.Errorf("the logo did not load: natural width %d", w)
	}
	apptest.Audit(t, ctx)
	apptest.Screenshot(t, ctx, "assess-logo-welcome-1280")
	apptest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	apptest.Screenshot(t, ctx, "assess-logo-welcome-390")
}
