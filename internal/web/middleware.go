package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
)

type (
	ctxRequestID struct{}
	ctxUser      struct{}
	ctxOrg       struct{}
	ctxSess      struct{}
)

// actor is the signed-in user of the request as the actor of a change.
func actor(r *http.Request) model.Actor {
	if u := userFrom(r.Context()); u != nil {
		a := u.Actor()
		a.Zone = userLocation(u, orgFrom(r.Context()))
		return a
	}
	return model.Actor{}
}

func userFrom(ctx context.Context) *model.User {
	u, _ := ctx.Value(ctxUser{}).(*model.User)
	return u
}

func orgFrom(ctx context.Context) *model.Org {
	o, _ := ctx.Value(ctxOrg{}).(*model.Org)
	return o
}

// sessionHash returns the stored hash of the request's session token.
func sessionHash(ctx context.Context) string {
	h, _ := ctx.Value(ctxSess{}).(string)
	return h
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, logs it, counts it and recovers panics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := make([]byte, 8)
		rand.Read(id)
		reqID := hex.EncodeToString(id)
		w.Header()["X-Request-Id"] = []string{reqID}
		// The request's logger (logFrom) is built only when something logs.
		r = r.WithContext(context.WithValue(r.Context(), ctxRequestID{}, reqID))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", reqID, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "Internal Server Error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
			s.metrics.latency.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
			level := slog.LevelInfo
			if route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" || strings.HasPrefix(route, "GET /static/") {
				level = slog.LevelDebug
			}
			if !s.log.Enabled(r.Context(), level) {
				return
			}
			attrs := []any{"request_id", reqID, "method", r.Method, "route", route, "status", sw.status, "duration_ms", elapsed.Milliseconds()}
			if !strings.Contains(route, "{token}") {
				attrs = append(attrs, "path", logPath(r.URL.Path)) // paths with tokens are secrets
			}
			s.log.Log(r.Context(), level, "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

const (
	sessionCookie = "ts_session"
	csrfCookie    = "ts_csrf"
	flashCookie   = "ts_flash"
	// SessionTTL is how long a sign-in lasts.
	SessionTTL = account.SessionTTL
	// maxFormBytes caps every form body.
	maxFormBytes = 1 << 20
	// maxUploadBytes caps a form with files (multipart); each feature checks
	// its own, smaller file limit.
	maxUploadBytes = 11 << 20
)

// authenticate loads the signed-in user, if any, into the request context.
// The API under /api/ authenticates by key, never by cookie: a session
// cookie sent along is not even looked up.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return nil
		}
		h := auth.Hash(c.Value)
		u, org, err := s.accounts.SessionUser(r.Context(), h)
		if apperror.KindOf(err) == apperror.NotFound {
			s.clearCookie(w, sessionCookie)
			next.ServeHTTP(w, r)
			return nil
		}
		if err != nil {
			return err
		}
		ctx := context.WithValue(r.Context(), ctxUser{}, u)
		ctx = context.WithValue(ctx, ctxSess{}, h)
		if org != nil {
			ctx = context.WithValue(ctx, ctxOrg{}, org)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// checkCSRF refuses state-changing browser requests without a valid form
// token. The API under /api/ authenticates by key, never by cookie, and is exempt.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return nil
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return nil
		}
		limit, parse := int64(maxFormBytes), r.ParseForm
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit, parse = maxUploadBytes, func() error { return r.ParseMultipartForm(maxFormBytes) }
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := parse(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return apperror.New(apperror.TooLarge, "The form is larger than %d MiB, the most this site accepts.", limit>>20)
			}
			return apperror.New(apperror.Invalid, "The form could not be read.")
		}
		c, _ := r.Cookie(csrfCookie)
		var cookie string
		if c != nil {
			cookie = c.Value
		}
		if !s.csrf.Valid(cookie, r.PostForm.Get("csrf_token")) {
			return apperror.New(apperror.Forbidden, "This form has expired or came from another site. Go back, reload the page and try again.")
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// csrfToken returns the form token for this browser, setting its cookie when new.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return s.csrf.Token(c.Value)
	}
	v := auth.NewToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	return s.csrf.Token(v)
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// flash sets a one-time message for the next page.
func (s *Server) flash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: hex.EncodeToString([]byte(msg)), Path: "/", HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	s.clearCookie(w, flashCookie)
	b, err := hex.DecodeString(c.Value)
	if err != nil || len(b) > 500 {
		return ""
	}
	return string(b)
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// requireUser sends anonymous visitors to the sign-in page.
func (s *Server) requireUser(h handlerFunc) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if userFrom(r.Context()) == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return apperror.New(apperror.Unauthorized, "Please sign in.")
		}
		return h(w, r)
	})
}

// requireOrg admits members of an organization (admins and recruiters).
func (s *Server) requireOrg(h handlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		if orgFrom(r.Context()) == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/staff", http.StatusSeeOther)
				return nil
			}
			return apperror.New(apperror.Forbidden, "This page belongs to an organization; staff accounts have none. Use the staff console.")
		}
		return h(w, r)
	})
}

// requireAdmin admits organization admins.
func (s *Server) requireAdmin(h handlerFunc) http.HandlerFunc {
	return s.requireOrg(func(w http.ResponseWriter, r *http.Request) error {
		if userFrom(r.Context()).Role != model.RoleAdmin {
			return apperror.New(apperror.Forbidden, "Only an organization admin can do this.")
		}
		return h(w, r)
	})
}

// requireStaff admits platform operators.
func (s *Server) requireStaff(h handlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		if userFrom(r.Context()).Role != model.RoleStaff {
			return apperror.New(apperror.Forbidden, "Only Talent Systems staff can see this page.")
		}
		return h(w, r)
	})
}
