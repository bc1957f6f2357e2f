package web

import (
	"context"
	"net/http"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/ratelimit"
)

// assessmentRoutes registers the candidate's pages under /a/{token}. They
// need no account: the private token in the path is the credential, so every
// route looks it up through open, which also throttles guessing.
func (s *Server) assessmentRoutes(mux *http.ServeMux) {
	a := &assess{Server: s, misses: newMissLimits()}
	mux.HandleFunc("GET /a/{token}", s.handle(a.landing))
	mux.HandleFunc("POST /a/{token}/start", s.handle(a.start))
	mux.HandleFunc("GET /a/{token}/q/{n}", s.handle(a.question))
	mux.HandleFunc("POST /a/{token}/q/{n}", s.handle(a.answer))
	mux.HandleFunc("POST /a/{token}/autosave", s.handle(a.autosave))
	mux.HandleFunc("GET /a/{token}/review", s.handle(a.review))
	mux.HandleFunc("POST /a/{token}/submit", s.handle(a.submit))
	mux.HandleFunc("POST /a/{token}/finish", s.handle(a.finishSection))
	mux.HandleFunc("GET /a/{token}/logo", s.handle(a.logo))
	mux.HandleFunc("GET /a/{token}/survey", s.handle(a.survey))
	mux.HandleFunc("POST /a/{token}/survey", s.handle(a.answerSurvey))
	mux.HandleFunc("GET /postings/{id}/preview/q/{n}", s.requireOrg(a.preview))
}

// assess serves the candidate's pages.
type assess struct {
	*Server
	misses *ratelimit.Keyed
}

// Token lookups that miss are limited per client address: a burst of
// missBurst, refilled at missBurst a minute. Only misses count, and a valid
// token always opens: a candidate is never refused because someone else on
// the same network mistyped links (tokens are 256-bit random, so the limit
// only slows enumeration, it does not hide a hit). Like the sign-in limits
// they are per instance.
const (
	missBurst   = 20
	maxTokenLen = 128
)

func newMissLimits() *ratelimit.Keyed { return ratelimit.PerMinute(missBurst, missBurst) }

// errTooManyMisses answers an address that guessed too many links.
var errTooManyMisses = apperror.New(apperror.TooMany, "Too many attempts to open an assessment link from your network. Wait a minute and try again.")

// open looks up the token of the request: an unknown one is NotFound, and an
// address over its limit gets errTooManyMisses with the wait.
func (a *assess) open(r *http.Request) (*candidates.Session, string, error) {
	return a.openWith(r, a.candidates.Open)
}

// openToSave is open for a request that saves an answer: the session
// without its answers (candidates.OpenToSave), one query fewer.
func (a *assess) openToSave(r *http.Request) (*candidates.Session, string, error) {
	return a.openWith(r, a.candidates.OpenToSave)
}

func (a *assess) openWith(r *http.Request, open func(context.Context, string) (*candidates.Session, error)) (*candidates.Session, string, error) {
	ip := a.clientIP(r)
	token := r.PathValue("token")
	var ss *candidates.Session
	err := apperror.New(apperror.NotFound, "This assessment link is not valid. Check that you copied the whole link from your invitation.")
	limited := a.misses.Wait(ip, a.now()) > 0
	if len(token) <= maxTokenLen {
		ss, err = open(r.Context(), token)
	}
	if apperror.KindOf(err) == apperror.NotFound {
		logFrom(r.Context(), a.log).Info("unknown assessment link", "ip", ip, "limited", limited)
		if wait := a.misses.Take(ip, a.now()); wait > 0 {
			return nil, "", retryAfter(errTooManyMisses, wait)
		}
		return nil, "", err
	}
	if err != nil {
		return nil, "", err
	}
	return ss, token, nil
}

func isAutosave(r *http.Request) bool {
	return r.Pattern == "POST /a/{token}/autosave"
}

// landing shows the page the link's state calls for: the welcome page, the
// current question, or a page that says why the assessment cannot be taken.
func (a *assess) landing(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	switch ss.State {
	case candidates.StateWelcome:
		a.render(w, r, http.StatusOK, "a_welcome", a.welcomeView(ss, token))
	case candidates.StateInProgress:
		if notice := timeUpNotice(ss, r.URL.Query().Has("timeup")); notice != "" {
			a.flashAs(w, FlashWarning, notice)
		}
		http.Redirect(w, r, questionURL(token, current(ss)), http.StatusSeeOther)
	default:
		if err := a.statusPage(w, r, ss, ""); err != nil {
			return err
		}
	}
	return nil
}

// start begins the attempt once the candidate has consented.
func (a *assess) start(w http.ResponseWriter, r *http.Request) error {
	ss, token, err := a.open(r)
	if err != nil {
		return err
	}
	err = a.candidates.Start(r.Context(), token, r.PostForm.Get("consent") == "yes")
	switch apperror.KindOf(err) {
	case apperror.Internal:
		if err != nil {
			return err
		}
	case apperror.Invalid:
		view := a.welcomeView(ss, token)
		view.ConsentError = apperror.Message(err)
		a.render(w, r, http.StatusBadRequest, "a_welcome", view)
		return nil
	}
	// Started, or already started or finished elsewhere: the landing page
	// shows what is true now.
	http.Redirect(w, r, "/a/"+token, http.StatusSeeOther)
	return nil
}

// statusPage shows a link that cannot be worked on: completed, expired,
// closed, replaced or erased. notice adds a sentence on top, e.g. that the
// last answer came too late.
func (a *assess) statusPage(w http.ResponseWriter, r *http.Request, ss *candidates.Session, notice string) error {
	v := &AssessStatusPage{State: ss.State, Notice: notice, AssessHead: head(ss)}
	var err error
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
		if v.Survey, err = a.fairness.SurveyState(r.Context(), ss.Candidate); err != nil {
			return err
		}
		v.Token = r.PathValue("token")
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
		return nil
	}
	v.Title = v.Heading
	a.render(w, r, status, "a_status", v)
	return nil
}

func fmtDate(t time.Time) string { return t.UTC().Format("2 January 2006 at 15:04 UTC") }
