package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
)

// LoginPage is the view of the sign-in page.
type LoginPage struct {
	Base
	Email string
	Next  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", &LoginPage{Base: Base{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// safeNext keeps only paths on this site, so the sign-in page cannot redirect
// elsewhere. It judges the path as a browser would read it: browsers drop tabs
// and newlines from a URL and read a backslash as a slash, so "/\t/evil" and
// "/\\evil" both mean "//evil", another host. Anything with a control
// character, a backslash, or that does not parse to a bare path with one
// leading slash is refused.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Bidi_Control, r) {
			return ""
		}
	}
	if strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	// An encoded slash or backslash is decoded by some servers and proxies:
	// refuse "/%2F..." and "/%5C..." at the start too.
	if dec, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(dec, "//") || strings.HasPrefix(dec, "/\\") {
		return ""
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := &LoginPage{Base: Base{Title: "Sign in"}, Email: email, Next: safeNext(r.PostForm.Get("next"))}
	ip, norm := s.clientIP(r), account.NormalizeEmail(email)
	if wait := s.signInWait(ip, norm, s.now()); wait > 0 {
		view.Error = "Too many failed sign-in attempts. Wait a minute and try again."
		w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfter(wait)))
		s.render(w, r, http.StatusTooManyRequests, "login", view)
		return nil
	}
	u, err := s.accounts.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		if apperror.KindOf(err) != apperror.Unauthorized {
			return err
		}
		s.signInFailed(ip, norm, s.now())
		logFrom(r.Context(), s.log).Info("sign-in refused", "ip", ip)
		view.Error = apperror.Message(err)
		s.render(w, r, http.StatusUnauthorized, "login", view)
		return nil
	}
	if err := s.accounts.DefaultTimeZone(r.Context(), u, r.PostForm.Get("browser_time_zone")); err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	next := view.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// startSession signs u in on this browser.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *model.User) error {
	token, err := s.accounts.StartSession(r.Context(), u)
	if err != nil {
		return err
	}
	s.setSession(w, token)
	return nil
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if h := sessionHash(r.Context()); h != "" {
		if err := s.accounts.EndSession(r.Context(), h); err != nil {
			return err
		}
	}
	s.clearCookie(w, sessionCookie)
	s.flash(w, "You are signed out.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// allowReset counts a password reset request against the client address (a
// burst of 10, then one every 6 s) and the email (5, then one every 30 s),
// and reports whether both are within their limits: each request may send a
// mail. The limits are per instance; behind a load balancer each instance
// counts its own.
func (s *Server) allowReset(ip, email string) bool {
	now := s.now()
	ipWait := s.loginByAddr.Take(ip, now)
	emailWait := s.loginByEmail.Take(email, now)
	return ipWait == 0 && emailWait == 0
}
