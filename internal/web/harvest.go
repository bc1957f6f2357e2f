package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/model"
)

// harvestRoutes registers the Harvest API connection's pages: connecting
// and disconnecting (admins), importing jobs, retrying a note. Every handler
// decodes, calls the connection service, and responds.
func (s *Server) harvestRoutes(mux *http.ServeMux) {
	// Connect is a link, not a form: the page's CSP (form-action 'self')
	// would stop a form whose answer redirects to Greenhouse. Starting a
	// connection changes nothing but a state bound to this session.
	mux.HandleFunc("GET /settings/integrations/greenhouse/harvest/connect", s.requireAdmin(s.harvestConnect))
	mux.HandleFunc("GET /settings/integrations/greenhouse/harvest/callback", s.requireAdmin(s.harvestCallback))
	mux.HandleFunc("POST /settings/integrations/greenhouse/harvest/disconnect", s.requireAdmin(s.harvestDisconnect))
	mux.HandleFunc("GET /postings/import/greenhouse", s.requireOrg(s.harvestImportPage))
	mux.HandleFunc("POST /postings/import/greenhouse", s.requireOrg(s.harvestImport))
	mux.HandleFunc("POST /postings/{id}/candidates/{cid}/greenhouse-notes/{push}/retry", s.requireAdmin(s.harvestRetryPush))
}

func init() { templateFuncs["pushBadge"] = PushBadge }

// PushBadge is the CSS class of a push status badge.
func PushBadge(status model.PushStatus) string {
	switch status {
	case model.PushPushed:
		return "badge-active"
	case model.PushPending, model.PushSending:
		return "badge-queued"
	case model.PushFailed, model.PushUncertain:
		return "badge-failed"
	}
	return "badge-closed"
}

const integrationsHarvest = "/settings/integrations#gh-harvest-h"

func (s *Server) harvestConnect(w http.ResponseWriter, r *http.Request) error {
	target, err := s.harvest.AuthorizeURL(r.Context(), userFrom(r.Context()).Actor(), sessionHash(r.Context()))
	if err != nil {
		return err
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// harvestCallback is where Greenhouse sends the browser back. Failures are
// told on the card, never as a bare error page.
func (s *Server) harvestCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	err := s.harvest.Callback(r.Context(), userFrom(r.Context()).Actor(), sessionHash(r.Context()), q.Get("state"), q.Get("code"), q.Get("error"))
	if apperror.KindOf(err) == apperror.Internal && err != nil {
		return err
	}
	if err != nil {
		s.flashError(w, apperror.Message(err))
	} else {
		s.flash(w, "Connected to Greenhouse. You can now import jobs from the Postings page.")
	}
	http.Redirect(w, r, integrationsHarvest, http.StatusSeeOther)
	return nil
}

func (s *Server) harvestDisconnect(w http.ResponseWriter, r *http.Request) error {
	n, err := s.harvest.Disconnect(r.Context(), userFrom(r.Context()).Actor())
	if err != nil {
		return err
	}
	msg := "Disconnected from Greenhouse. Candidates and postings stay as they are."
	if n > 0 {
		msg += " " + strconv.FormatInt(n, 10) + " queued notes to Greenhouse were cancelled."
	}
	s.flash(w, msg)
	http.Redirect(w, r, integrationsHarvest, http.StatusSeeOther)
	return nil
}

// HarvestImportPage is the view of Postings → Import from Greenhouse.
type HarvestImportPage struct {
	Base
	Card   *connection.Card
	Search string
	Jobs   []*connection.Job
	// Problem says in words why the jobs could not be listed.
	Problem string
}

func (s *Server) harvestImportPage(w http.ResponseWriter, r *http.Request) error {
	org := orgFrom(r.Context())
	v := &HarvestImportPage{Base: Base{Title: "Import from Greenhouse", Nav: "postings"}, Search: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if v.Card, err = s.harvest.Card(r.Context(), org.ID); err != nil {
		return err
	}
	if v.Card.Status() == "Connected" {
		v.Jobs, err = s.harvest.Jobs(r.Context(), org.ID, v.Search)
		if err != nil {
			if apperror.KindOf(err) == apperror.Internal {
				return err
			}
			v.Problem = apperror.Message(err)
			if v.Card, err = s.harvest.Card(r.Context(), org.ID); err != nil { // the failure may have changed it
				return err
			}
		}
	}
	s.render(w, r, http.StatusOK, "harvest_import", v)
	return nil
}

func (s *Server) harvestImport(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, v := range r.PostForm["job_id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperror.New(apperror.Invalid, "The job list was not understood.")
		}
		ids = append(ids, id)
	}
	back := "/postings/import/greenhouse"
	if q := strings.TrimSpace(r.PostForm.Get("q")); q != "" {
		back += "?q=" + url.QueryEscape(q)
	}
	res, err := s.harvest.Import(r.Context(), userFrom(r.Context()).Actor(), ids)
	if err != nil && apperror.KindOf(err) == apperror.Internal {
		return err
	}
	var msg []string
	if res != nil {
		for _, im := range res.Created {
			msg = append(msg, "Imported “"+im.Title+"” as a draft.")
		}
		for _, im := range res.Existing {
			msg = append(msg, "“"+im.Title+"” was imported already.")
		}
		if len(res.Created) == 1 && len(res.Existing) == 0 && err == nil {
			s.flash(w, msg[0]+" Add competencies and questions, then publish.")
			http.Redirect(w, r, "/postings/"+strconv.FormatInt(res.Created[0].PostingID, 10), http.StatusSeeOther)
			return nil
		}
	}
	if err != nil {
		msg = append(msg, apperror.Message(err))
	}
	s.flash(w, strings.Join(msg, " "))
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (s *Server) harvestRetryPush(w http.ResponseWriter, r *http.Request) error {
	cid := pathID(r, "cid")
	if _, err := s.candidates.Get(r.Context(), userFrom(r.Context()).Actor(), cid); err != nil {
		return err
	}
	if err := s.harvest.RetryPush(r.Context(), userFrom(r.Context()).Actor(), cid, pathID(r, "push")); err != nil {
		return err
	}
	s.flash(w, "The note will be posted to Greenhouse again.")
	http.Redirect(w, r, "/postings/"+r.PathValue("id")+"/candidates/"+strconv.FormatInt(cid, 10), http.StatusSeeOther)
	return nil
}
