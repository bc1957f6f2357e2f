package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// LoginPage is the view of the sign-in page.
type LoginPage struct {
	Base
	Email string
	Next  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &LoginPage{Base: Base{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps only local paths, so the sign-in page cannot redirect elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := &LoginPage{Base: Base{Title: "Sign in"}, Email: email, Next: safeNext(r.PostForm.Get("next"))}
	if !s.limits.allow(clientIP(r), store.NormalizeEmail(email)) {
		view.Error = "Too many sign-in attempts. Wait a minute and try again."
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "login", view)
		return
	}
	u, err := s.accounts.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		if apperror.KindOf(err) != apperror.Unauthorized {
			s.fail(w, r, err)
			return
		}
		logFrom(r.Context(), s.log).Info("sign-in refused", "ip", clientIP(r))
		view.Error = apperror.Message(err)
		s.render(w, r, http.StatusUnauthorized, "login", view)
		return
	}
	if !s.startSession(w, r, u) {
		return
	}
	next := view.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// startSession signs u in on this browser; it answers the request itself on failure.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *model.User) bool {
	token := auth.NewToken()
	now := s.now()
	if err := store.CreateSession(r.Context(), s.store.DB, auth.Hash(token), u.ID, now, now.Add(SessionTTL)); err != nil {
		s.fail(w, r, err)
		return false
	}
	s.setSession(w, token)
	return true
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if h := sessionHash(r.Context()); h != "" {
		if err := store.DeleteSession(r.Context(), s.store.DB, h); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	s.flash(w, "You are signed out.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginLimits throttles sign-in attempts per client address and per email:
// a burst of 10 then one every 6 s per address, 5 then one every 30 s per email.
// The limits are per instance; behind a load balancer each instance counts its own.
type loginLimits struct {
	mu      sync.Mutex
	byIP    map[string]*limiter
	byEmail map[string]*limiter
}

type limiter struct {
	*rate.Limiter
	seen time.Time
}

func newLoginLimits() *loginLimits {
	return &loginLimits{byIP: map[string]*limiter{}, byEmail: map[string]*limiter{}}
}

func (l *loginLimits) allow(ip, email string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	get := func(m map[string]*limiter, key string, every time.Duration, burst int) *limiter {
		if len(m) > 10000 {
			for k, v := range m {
				if now.Sub(v.seen) > 10*time.Minute {
					delete(m, k)
				}
			}
		}
		lim, ok := m[key]
		if !ok {
			lim = &limiter{Limiter: rate.NewLimiter(rate.Every(every), burst)}
			m[key] = lim
		}
		lim.seen = now
		return lim
	}
	ipOK := get(l.byIP, ip, 6*time.Second, 10).AllowN(now, 1)
	emailOK := get(l.byEmail, email, 30*time.Second, 5).AllowN(now, 1)
	return ipOK && emailOK
}
