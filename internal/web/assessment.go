package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
)

// assessmentRoutes registers the candidate's pages under /a/{token}. They
// need no account: the private token in the path is the credential, so every
// route looks it up through open, which also throttles guessing.
func (s *Server) assessmentRoutes(mux *http.ServeMux) {
	a := &assess{Server: s, misses: newMissLimits()}
	mux.HandleFunc("GET /a/{token}", a.landing)
	mux.HandleFunc("POST /a/{token}/start", a.start)
	mux.HandleFunc("GET /a/{token}/q/{n}", a.question)
	mux.HandleFunc("POST /a/{token}/q/{n}", a.answer)
	mux.HandleFunc("POST /a/{token}/autosave", a.autosave)
	mux.HandleFunc("GET /a/{token}/review", a.review)
	mux.HandleFunc("POST /a/{token}/submit", a.submit)
	mux.HandleFunc("GET /postings/{id}/preview/q/{n}", s.requireOrg(legacy(a.preview)))
}

// assess serves the candidate's pages.
type assess struct {
	*Server
	misses *missLimits
}

// Token lookups that miss are limited per client address: a burst of
// missBurst, refilled at missBurst a minute. While an address is limited even
// a valid token is refused, so that a guesser learns nothing from the answer.
const (
	missBurst    = 20
	missInterval = time.Minute / missBurst
	maxTokenLen  = 128
)

// missLimits counts failed token lookups per client address. Like the
// sign-in limits they are per instance and use the wall clock.
type missLimits struct {
	mu   sync.Mutex
	byIP map[string]*limiter
}

func newMissLimits() *missLimits { return &missLimits{byIP: map[string]*limiter{}} }

func (l *missLimits) get(ip string, now time.Time) *limiter {
	if len(l.byIP) > 10000 {
		for k, v := range l.byIP {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.byIP, k)
			}
		}
	}
	lim, ok := l.byIP[ip]
	if !ok {
		lim = &limiter{Limiter: rate.NewLimiter(rate.Every(missInterval), missBurst)}
		l.byIP[ip] = lim
	}
	lim.seen = now
	return lim
}

// blocked reports how long ip must wait before its next lookup, or 0.
func (l *missLimits) blocked(ip string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	lim, ok := l.byIP[ip]
	if !ok {
		return 0
	}
	if tokens := lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) * float64(missInterval))
	}
	return 0
}

// miss records a failed lookup and reports whether ip is still within its limit.
func (l *missLimits) miss(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return l.get(ip, now).AllowN(now, 1)
}

// open looks up the token of the request and answers the request itself
// (404, 429, or an error page) when there is no session to work with.
func (a *assess) open(w http.ResponseWriter, r *http.Request) (*candidates.Session, string, bool) {
	ip := clientIP(r)
	if wait := a.misses.blocked(ip); wait > 0 {
		a.tooMany(w, r, wait)
		return nil, "", false
	}
	token := r.PathValue("token")
	var ss *candidates.Session
	err := apperror.New(apperror.NotFound, "This assessment link is not valid. Check that you copied the whole link from your invitation.")
	if len(token) <= maxTokenLen {
		ss, err = a.candidates.Open(r.Context(), token)
	}
	if apperror.KindOf(err) == apperror.NotFound {
		logFrom(r.Context(), a.log).Info("unknown assessment link", "ip", ip)
		if !a.misses.miss(ip) {
			a.tooMany(w, r, missInterval)
			return nil, "", false
		}
		a.failPage(w, r, err)
		return nil, "", false
	}
	if err != nil {
		a.failPage(w, r, err)
		return nil, "", false
	}
	return ss, token, true
}

func (a *assess) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(wait.Seconds() + 0.999)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	msg := "Too many attempts to open an assessment link from your network. Wait a minute and try again."
	if isAutosave(r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": msg})
		return
	}
	a.render(w, r, http.StatusTooManyRequests, "a_status", &AssessStatusPage{Base: Base{Title: "Too many attempts"},
		Heading: "Too many attempts", Paragraphs: []string{msg}})
}

// failPage shows an error on a candidate page (JSON for autosave).
func (a *assess) failPage(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status == http.StatusInternalServerError {
		logFrom(r.Context(), a.log).Error("request failed", "err", err)
	}
	if isAutosave(r) {
		writeJSON(w, status, map[string]string{"error": apperror.Message(err)})
		return
	}
	heading := "Something went wrong"
	if status == http.StatusNotFound {
		heading = "This link is not valid"
	}
	a.render(w, r, status, "a_status", &AssessStatusPage{Base: Base{Title: heading}, Heading: heading,
		Paragraphs: []string{apperror.Message(err)}})
}

func isAutosave(r *http.Request) bool {
	return r.Pattern == "POST /a/{token}/autosave"
}

// landing shows the page the link's state calls for: the welcome page, the
// current question, or a page that says why the assessment cannot be taken.
func (a *assess) landing(w http.ResponseWriter, r *http.Request) {
	ss, token, ok := a.open(w, r)
	if !ok {
		return
	}
	switch ss.State {
	case candidates.StateWelcome:
		a.render(w, r, http.StatusOK, "a_welcome", a.welcomeView(ss, token))
	case candidates.StateInProgress:
		http.Redirect(w, r, questionURL(token, current(ss)), http.StatusSeeOther)
	default:
		a.statusPage(w, r, ss, "")
	}
}

// start begins the attempt once the candidate has consented.
func (a *assess) start(w http.ResponseWriter, r *http.Request) {
	ss, token, ok := a.open(w, r)
	if !ok {
		return
	}
	err := a.candidates.Start(r.Context(), token, r.PostForm.Get("consent") == "yes")
	switch apperror.KindOf(err) {
	case apperror.Internal:
		if err != nil {
			a.failPage(w, r, err)
			return
		}
	case apperror.Invalid:
		view := a.welcomeView(ss, token)
		view.ConsentError = apperror.Message(err)
		a.render(w, r, http.StatusBadRequest, "a_welcome", view)
		return
	}
	// Started, or already started or finished elsewhere: the landing page
	// shows what is true now.
	http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
}

// statusPage shows a link that cannot be worked on: completed, expired,
// closed, replaced or erased. notice adds a sentence on top, e.g. that the
// last answer came too late.
func (a *assess) statusPage(w http.ResponseWriter, r *http.Request, ss *candidates.Session, notice string) {
	v := &AssessStatusPage{State: ss.State, Notice: notice}
	if ss.Org != nil {
		v.OrgName = ss.Org.Name
	}
	if ss.Doc != nil {
		v.PostingTitle = ss.Doc.Title
	}
	status := http.StatusOK
	switch ss.State {
	case candidates.StateCompleted:
		v.Heading = "Thank you"
		at := ss.Candidate.CompletedAt
		if ss.Attempt != nil && !ss.Attempt.SubmittedAt.IsZero() {
			at = ss.Attempt.SubmittedAt
		}
		v.SubmittedAt = at
		if ss.Attempt != nil && ss.Attempt.SubmitReason == "time_limit" {
			v.TimeUp = true
			v.Paragraphs = []string{"The time limit ended, so your answers were submitted as they stood on " + fmtDate(at) + "."}
		} else {
			v.Paragraphs = []string{"Your answers were submitted on " + fmtDate(at) + "."}
		}
		v.Paragraphs = append(v.Paragraphs, v.OrgName+" will review them and contact you about the next steps. You can close this page.")
	case candidates.StateExpired:
		status = http.StatusGone
		v.Heading = "This link has expired"
		v.Paragraphs = []string{"The assessment could be taken until " + fmtDate(ss.Candidate.ExpiresAt) + ".",
			"If you would still like to take it, contact the recruiter at " + v.OrgName + " and ask them to extend your link."}
	case candidates.StateClosed:
		status = http.StatusConflict
		v.Heading = "This position no longer takes assessments"
		v.Paragraphs = []string{v.OrgName + " has closed the posting “" + v.PostingTitle + "”, so the assessment can no longer be started.",
			"If you have questions, contact the recruiter who invited you."}
	case candidates.StateReset:
		status = http.StatusGone
		v.Heading = "This link was replaced by a newer one"
		v.Paragraphs = []string{"Use the link in your most recent invitation, or contact the recruiter who invited you."}
	case candidates.StateErased:
		status = http.StatusGone
		v.Heading = "This assessment is no longer available"
		v.Paragraphs = []string{"The data of this assessment was deleted on request, and the link no longer works. Contact the recruiter who invited you if you have questions."}
	default:
		http.Redirect(w, r, "/a/"+r.PathValue("token"), http.StatusSeeOther)
		return
	}
	v.Title = v.Heading
	a.render(w, r, status, "a_status", v)
}

func fmtDate(t time.Time) string { return t.UTC().Format("2 January 2006 at 15:04 UTC") }
