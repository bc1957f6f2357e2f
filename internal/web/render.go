package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
	"github.com/talentsystems/talentsystems/internal/scoring"
)

//go:embed templates static
var files embed.FS

// Base is the part of every page's view that the layout reads.
type Base struct {
	Title string
	User  *model.User
	Org   *model.Org
	CSRF  string
	Flash string
	// FlashKind is FlashSuccess (""), FlashWarning or FlashError.
	FlashKind string
	// Nav is the current section, to highlight it in the navigation.
	Nav string
	// Loc is the time zone the page shows times in: the viewer's (UTC
	// when signed out or not set).
	Loc *time.Location
}

// IsStaff reports whether the viewer operates the platform.
func (b *Base) IsStaff() bool { return b.User != nil && b.User.Role == model.RoleStaff }

// IsAdmin reports whether the viewer administers their organization.
func (b *Base) IsAdmin() bool { return b.User != nil && b.User.Role == model.RoleAdmin }

// assets maps a static file's name to its content-hashed URL.
type assets map[string]string

func loadAssets() (assets, map[string][]byte, error) {
	urls, bodies := assets{}, map[string][]byte{}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		urls[name] = "/static/" + hashed
		bodies[hashed] = b
		return nil
	})
	return urls, bodies, err
}

var templateFuncs = template.FuncMap{
	"markdown":         markdown,
	"num":              fmtNum,
	"inc":              func(i int) int { return i + 1 },
	"plural":           plural,
	"questionList":     questionList,
	"postingTemplates": postings.Templates,
	"mib":              mib,
	"dec":              func(i int) int { return i - 1 },
	"levelLabel":       scoring.LevelLabel,
	"levels":           func() []int { return []int{1, 2, 3, 4, 5} },
	"chartHeight":      func(n int) int { return n*40 + 4 },
	"barY":             func(i, off int) int { return i*40 + off },
	"barW":             func(score float64, width int) float64 { return score / 100 * float64(width) },
	"dec2":             func(a, b int) int { return a - b },
	"itoa":             strconv.Itoa,
	"msDuration":       func(ms float64) string { return humanDuration(int64(ms + 0.5)) },
	"label": func(s any) string {
		return strings.ReplaceAll(fmt.Sprint(s), "_", " ")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	// localTime is a time for a reader whose zone the server does not know
	// (a candidate): UTC in the page, the browser's zone once app.js ran.
	"localTime": func(t time.Time) template.HTML {
		if t.IsZero() {
			return "—"
		}
		return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `" data-local>` + t.UTC().Format("2 Jan 2006 15:04 UTC") + `</time>`)
	},
}

// parseTemplates builds one template set per page: the layout plus the page.
func parseTemplates(a assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"asset": func(name string) string { return a[name] }}
	for k, v := range templateFuncs {
		funcs[k] = v
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
}

// render writes a page with status; view must embed Base.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, view interface{ base() *Base }) {
	b := view.base()
	b.User, b.Org = userFrom(r.Context()), orgFrom(r.Context())
	if b.Loc == nil {
		b.Loc = userLocation(b.User, b.Org)
	}
	b.CSRF = s.csrfToken(w, r)
	if b.Flash == "" {
		if b.Flash = s.takeFlash(w, r); b.Flash != "" {
			b.FlashKind = s.takeFlashKind(w, r)
		}
	}
	if status >= 400 && b.Flash != "" && b.FlashKind == "" {
		// A page answering a refused request tells why: an error, never a success.
		b.FlashKind = FlashError
	}
	t, ok := s.templates[page]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", view); err != nil {
		s.serverError(w, r, fmt.Errorf("web: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (b *Base) base() *Base { return b }

// ErrorPage is the view of an error page.
type ErrorPage struct {
	Base
	Status  int
	Message string
}

var kindStatus = map[apperror.Kind]int{
	apperror.Internal:     http.StatusInternalServerError,
	apperror.Invalid:      http.StatusBadRequest,
	apperror.NotFound:     http.StatusNotFound,
	apperror.Conflict:     http.StatusConflict,
	apperror.Unauthorized: http.StatusUnauthorized,
	apperror.Forbidden:    http.StatusForbidden,
	apperror.TooMany:      http.StatusTooManyRequests,
	apperror.TooLarge:     http.StatusRequestEntityTooLarge,
}

// Status maps an error to its HTTP status: the one place that does.
func Status(err error) int { return kindStatus[apperror.KindOf(err)] }

// handlerFunc is a page or API handler: it answers the request, or returns
// an error that serveError answers (golang/pkgsite's errorHandler is the
// model). A handler never writes an error response itself.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc to net/http, answering its error in one place.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fail answers with err as an HTML page or JSON, as the client prefers: the
// one place that turns an error into a response. Only internal errors are
// logged as errors, and their details are never shown. An error may carry a
// wait (Retry-After) or a page of its own.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var page *pageError
	if errors.As(err, &page) {
		s.render(w, r, page.status, page.page, page.view)
		return
	}
	status := Status(err)
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
		for k, v := range he.header {
			w.Header()[k] = v
		}
	}
	if d := apperror.RetryAfterOf(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfter(d)))
	}
	if status == http.StatusInternalServerError {
		logFrom(r.Context(), s.log).Error("request failed", "err", err)
	}
	var wait *waitError
	if errors.As(err, &wait) {
		w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfter(wait.wait)))
	}
	switch {
	case isAutosave(r):
		writeJSON(w, status, map[string]string{"error": apperror.Message(err)})
	case wantsJSON(r):
		writeJSON(w, status, map[string]any{"error": apperror.Message(err), "fields": apperror.FieldsOf(err)})
	case strings.HasPrefix(r.Pattern, "GET /a/") || strings.HasPrefix(r.Pattern, "POST /a/"):
		// The candidate's pages, which have no dashboard around them.
		heading := "Something went wrong"
		switch status {
		case http.StatusNotFound:
			heading = "This link is not valid"
		case http.StatusTooManyRequests:
			heading = "Too many attempts"
		}
		s.render(w, r, status, "a_status", &AssessStatusPage{Base: Base{Title: heading}, Heading: heading,
			Paragraphs: []string{apperror.Message(err)}})
	default:
		s.render(w, r, status, "error", &ErrorPage{Base: Base{Title: http.StatusText(status)}, Status: status, Message: apperror.Message(err)})
	}
}

// waitError is an error whose client may retry after wait (429 with Retry-After).
type waitError struct {
	error
	wait time.Duration
}

func (e *waitError) Unwrap() error { return e.error }

// retryAfter returns err carrying the wait for the Retry-After header.
func retryAfter(err error, wait time.Duration) error { return &waitError{error: err, wait: wait} }

// pageError is an error answered with a page of its own, such as the
// candidate's "no such question" page.
type pageError struct {
	status int
	page   string
	view   interface{ base() *Base }
}

func (e *pageError) Error() string { return fmt.Sprintf("web: %d %s", e.status, e.page) }

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	logFrom(r.Context(), s.log).Error("request failed", "err", err)
	http.Error(w, "Internal Server Error", http.StatusInternalServerError)
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// jsonAppender is an answer that writes its own JSON, the bytes
// encoding/json would write (the Assessment Partner API's read endpoints),
// or says it cannot.
type jsonAppender interface {
	AppendJSON([]byte) ([]byte, bool)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Cache-Control"] = []string{"no-store"}
	if a, ok := v.(jsonAppender); ok {
		if b, ok := a.AppendJSON(make([]byte, 0, 512)); ok {
			w.WriteHeader(status)
			w.Write(b)
			return
		}
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func logFrom(ctx interface{ Value(any) any }, fallback *slog.Logger) *slog.Logger {
	if id, ok := ctx.Value(ctxRequestID{}).(string); ok {
		return fallback.With("request_id", id)
	}
	return fallback
}
