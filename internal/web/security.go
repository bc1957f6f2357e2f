package web

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
	"github.com/talentsystems/talentsystems/internal/safetext"
)

// clientIP is the address of the client of r. It is the socket's peer unless
// that peer is a trusted proxy (TS_TRUSTED_PROXIES): then the forwarding
// headers are read from the right, skipping trusted proxies, and the first
// address that is not one is the client. Hops left of it could be forged by
// the client and are never believed.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
		return host
	}
	hops := forwardedHops(r.Header)
	client := peer.Unmap()
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break // a malformed hop: keep the last address we could trust
		}
		client = a.Unmap()
		if !s.trusted(client) {
			break
		}
	}
	return client.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedHops lists the client addresses of X-Forwarded-For, or else of the
// standard Forwarded header's for= parameters, left (first hop) to right.
func forwardedHops(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, f := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(f))
		}
	}
	if len(hops) > 0 {
		return hops
	}
	for _, v := range h.Values("Forwarded") {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok || !strings.EqualFold(k, "for") {
					continue
				}
				val = strings.Trim(val, `"`)
				if strings.HasPrefix(val, "[") { // [v6]:port
					if end := strings.IndexByte(val, ']'); end > 0 {
						val = val[1:end]
					}
				} else if host, _, err := net.SplitHostPort(val); err == nil {
					val = host
				}
				hops = append(hops, val)
			}
		}
	}
	return hops
}

// rejectControls answers 400 to a request whose path, query or form values
// hold control characters (NUL breaks PostgreSQL's text; the rest have no
// business in our fields), the same on both databases. Only the multi-line
// form fields (multilineField: answers, descriptions, prompts, notes, CSV
// content) may hold tabs and line breaks; every other field (names, emails,
// titles, search), query strings, paths and field names may not. It runs
// after checkCSRF has parsed the form.
func (s *Server) rejectControls(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if safetext.HasControl(r.URL.Path, false) || safetext.HasControl(r.URL.RawQuery, false) {
			return errControls("")
		}
		// Without a percent escape the decoded names and values are pieces of
		// the raw query (with '+' for ' '), just checked: no need to parse it.
		for k, vs := range queryToCheck(r.URL.RawQuery) {
			if safetext.HasControl(k, false) {
				return errControls("")
			}
			for _, v := range vs {
				if safetext.HasControl(v, false) {
					return errControls(k)
				}
			}
		}
		for k, vs := range r.PostForm {
			if safetext.HasControl(k, false) {
				return errControls("")
			}
			multi := multilineField(k)
			for _, v := range vs {
				if safetext.HasControl(v, multi) {
					return errControls(k)
				}
			}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// multilineFields are the form fields that are <textarea>s: they keep tabs
// and line breaks. Every other field is a single line.
var multilineFields = map[string]bool{
	"answer": true, "brief": true, "content": true, "description": true,
	"guidance": true, "note": true, "prompt": true,
}

// multilineField reports whether a form field may hold tabs and line
// breaks: the textareas above and a rubric item's phrases (PREFIX_phrases_N).
func multilineField(name string) bool {
	return multilineFields[name] || strings.Contains(name, "_phrases_")
}

func errControls(field string) error {
	if field == "" {
		return apperror.New(apperror.Invalid, "The request holds control characters (such as NUL), which this site does not accept. Remove them and try again.")
	}
	return apperror.Field(field, "The field %q holds a tab, a line break or another control character; it takes a single line of text. Remove them and try again.", field)
}

// logPath is the request path as it may be logged: a routed path with a
// {token} is left out by the caller; any other path has each segment that
// looks like a secret token (long, of token characters) replaced, so that a
// mistyped link (/a/TOKEN/, /a/TOKEN/x) never puts its token in the log.
func logPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if looksLikeToken(seg) {
			segs[i] = "REDACTED"
		}
	}
	return strings.Join(segs, "/")
}

// looksLikeToken reports a path segment of 16 or more characters of the
// base64url/hex alphabet holding a digit or mixed case: our tokens, API keys
// and reset links, but not words like "competencies".
func looksLikeToken(seg string) bool {
	if len(seg) < 16 {
		return false
	}
	var digit, upper, lower bool
	for _, c := range seg {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c == '-' || c == '_' || c == '%' || c == '=' || c == '.':
		default:
			return false
		}
	}
	return digit || (upper && lower)
}

// hsts adds Strict-Transport-Security when the site is served over https.
func (s *Server) hsts(next http.Handler) http.Handler {
	if !strings.HasPrefix(s.cfg.BaseURL, "https://") {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		next.ServeHTTP(w, r)
	})
}

// metricsAuth guards /metrics with TS_METRICS_TOKEN when it is set.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	token := s.cfg.MetricsToken.Reveal()
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Sign-in limits count failed attempts only, so that a correct password is
// never refused because of someone else's guesses:
//   - per (address, email) pair: 5, then one every 30 s: an attacker on one
//     address is slowed on one account without touching its owner elsewhere;
//   - per address: 50, then one every 2 s: slows spraying from one address
//     while leaving room for an office behind one NAT;
//   - per email, from every address together: 50, then one a minute. While an
//     email is over it, only addresses with no recent failures may try it, so
//     a distributed attack slows down to the refill while the owner (on a clean
//     address) still signs in.
//
// Limits are per instance.
type signInLimits struct{ pair, addr, email *ratelimit.Keyed }

func newSignInLimits() signInLimits {
	return signInLimits{pair: ratelimit.New(30*time.Second, 5), addr: ratelimit.New(2*time.Second, 50), email: ratelimit.New(time.Minute, 50)}
}

// signInWait reports how long ip must wait before trying email, zero when it may.
func (s *Server) signInWait(ip, email string, now time.Time) time.Duration {
	l := s.signIn
	if d := l.pair.Wait(ip+"|"+email, now); d > 0 {
		return d
	}
	if d := l.addr.Wait(ip, now); d > 0 {
		return d
	}
	if d := l.email.Wait(email, now); d > 0 && !l.addr.Full(ip, now) {
		return d
	}
	return 0
}

// signInFailed counts a wrong password.
func (s *Server) signInFailed(ip, email string, now time.Time) {
	s.signIn.pair.Take(ip+"|"+email, now)
	s.signIn.addr.Take(ip, now)
	s.signIn.email.Take(email, now)
}

// slogPrinter passes promhttp's collection errors to the log.
type slogPrinter struct {
	log interface{ Warn(string, ...any) }
}

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics collection", "err", fmt.Sprint(v...)) }

// queryToCheck is the query's decoded values when they may hold what the
// raw query does not show (a percent escape), else nothing.
func queryToCheck(raw string) url.Values {
	if !strings.Contains(raw, "%") {
		return nil
	}
	q, _ := url.ParseQuery(raw)
	return q
}
