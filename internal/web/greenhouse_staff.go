package web

import (
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apikey"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// StaffGreenhousePage is the view of the staff console's Greenhouse page:
// setup requests, every organization's key, callbacks and reported errors.
type StaffGreenhousePage struct {
	Base
	Requests  []*model.GreenhouseOrg
	Orgs      []*model.GreenhouseOrg
	Callbacks []*model.GreenhouseCallback
	Counts    model.CallbackCounts
	Status    model.CallbackStatus // the callback status filter
	Errors    []*model.ResponseError
	// Back is where a retried callback returns to.
	Back string
}

// CallbackStatuses are the callback filters offered.
func (StaffGreenhousePage) CallbackStatuses() []model.CallbackStatus {
	return []model.CallbackStatus{model.CallbackPending, model.CallbackRetrying, model.CallbackDelivered, model.CallbackFailed, model.CallbackSuperseded}
}

func (g *greenhouseHandlers) staffOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := &StaffGreenhousePage{Base: Base{Title: "Greenhouse", Nav: "greenhouse"}, Status: model.CallbackStatus(r.URL.Query().Get("status")), Back: "/staff/greenhouse"}
	if !validCallbackStatus(v.Status) {
		v.Status = ""
	} else {
		v.Back += "?status=" + string(v.Status)
	}
	orgs, err := store.GreenhouseOrgs(ctx, g.store.DB)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	for _, o := range orgs {
		if !o.SetupRequestedAt.IsZero() {
			v.Requests = append(v.Requests, o)
		}
	}
	v.Orgs = orgs
	if v.Callbacks, err = store.ListGreenhouseCallbacks(ctx, g.store.DB, model.CallbackFilter{Status: v.Status, Limit: 100}); err == nil {
		if v.Counts, err = store.GreenhouseCallbackCounts(ctx, g.store.DB, 0); err == nil {
			v.Errors, err = store.ListResponseErrors(ctx, g.store.DB, 0, time.Time{}, 50)
		}
	}
	if err != nil {
		g.fail(w, r, err)
		return
	}
	g.render(w, r, http.StatusOK, "staff_greenhouse", v)
}

func validCallbackStatus(s model.CallbackStatus) bool {
	switch s {
	case model.CallbackPending, model.CallbackRetrying, model.CallbackDelivered, model.CallbackFailed, model.CallbackSuperseded:
		return true
	}
	return false
}

// StaffGreenhouseOrgPage is the view of one organization's Greenhouse key page.
type StaffGreenhouseOrgPage struct {
	Base
	Target    *model.Org
	State     *GreenhouseState
	Keys      []*model.APIKey
	Endpoints []GreenhouseEndpoint
	// NewKey is a key just generated or rotated: shown on this response only.
	NewKey    string
	Replaced  *model.APIKey
	Callbacks []*model.GreenhouseCallback
	Errors    []*model.ResponseError
	Events    []*model.GreenhouseEvent
	// Back is where a retried callback returns to.
	Back string
}

func (g *greenhouseHandlers) staffOrgPage(w http.ResponseWriter, r *http.Request) {
	g.renderStaffOrgPage(w, r, http.StatusOK, &StaffGreenhouseOrgPage{})
}

func (g *greenhouseHandlers) renderStaffOrgPage(w http.ResponseWriter, r *http.Request, status int, v *StaffGreenhouseOrgPage) {
	ctx := r.Context()
	id := pathID(r, "id")
	var err error
	if v.Target, err = store.OrgByID(ctx, g.store.DB, id); err != nil {
		g.fail(w, r, err)
		return
	}
	if v.State, err = g.greenhouseState(ctx, id); err == nil {
		if v.Keys, err = store.OrgAPIKeys(ctx, g.store.DB, id, 20); err == nil {
			if v.Callbacks, err = store.ListGreenhouseCallbacks(ctx, g.store.DB, model.CallbackFilter{OrgID: id, Limit: 50}); err == nil {
				if v.Errors, err = store.ListResponseErrors(ctx, g.store.DB, id, time.Time{}, 20); err == nil {
					v.Events, err = store.RecentGreenhouseEvents(ctx, g.store.DB, id, false, time.Time{}, 30)
				}
			}
		}
	}
	if err != nil {
		g.fail(w, r, err)
		return
	}
	v.Title, v.Nav, v.Endpoints = v.Target.Name+" · Greenhouse", "greenhouse", g.endpoints()
	v.Back = "/staff/orgs/" + strconv.FormatInt(id, 10) + "/greenhouse"
	g.render(w, r, status, "staff_greenhouse_org", v)
}

// staffKeyAction generates, rotates or revokes an organization's key. A new
// key is shown in the response to this request and never again.
func (g *greenhouseHandlers) staffKeyAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := pathID(r, "id")
	org, err := store.OrgByID(ctx, g.store.DB, id)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	actor := userFrom(ctx)
	var issued *apikey.Issued
	switch r.PathValue("action") {
	case "generate":
		issued, err = g.keys.Generate(ctx, org.ID, actor.ID)
	case "rotate":
		issued, err = g.keys.Rotate(ctx, org.ID, actor.ID)
	case "revoke":
		var k *model.APIKey
		if k, err = g.keys.Revoke(ctx, org.ID, actor.ID); err == nil {
			g.flash(w, "The key "+k.Prefix+"… of "+org.Name+" is revoked: Greenhouse can no longer connect until a new key is generated.")
			http.Redirect(w, r, "/staff/orgs/"+r.PathValue("id")+"/greenhouse", http.StatusSeeOther)
			return
		}
	default:
		g.fail(w, r, apperror.New(apperror.NotFound, "no such key action"))
		return
	}
	if err != nil {
		if apperror.KindOf(err) != apperror.Conflict {
			g.fail(w, r, err)
			return
		}
		g.renderStaffOrgPage(w, r, http.StatusConflict, &StaffGreenhouseOrgPage{Base: Base{Flash: apperror.Message(err)}})
		return
	}
	v := &StaffGreenhouseOrgPage{NewKey: issued.Key, Replaced: issued.Replaced}
	if issued.Replaced != nil {
		v.Flash = "Key rotated. The old key " + issued.Replaced.Prefix + "… stopped working. Copy the new key now: it is not shown again."
	} else {
		v.Flash = "Key generated. Copy it now: it is not shown again."
	}
	g.renderStaffOrgPage(w, r, http.StatusOK, v)
}

// staffRetryCallback gives a failed callback a fresh set of tries.
func (g *greenhouseHandlers) staffRetryCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := pathID(r, "id")
	cb, err := store.GreenhouseCallbackByID(ctx, g.store.DB, id)
	if err != nil {
		g.fail(w, r, err)
		return
	}
	err = g.store.Tx(ctx, func(tx *sql.Tx) error {
		if err := g.queue.RetryGreenhouseCallback(ctx, tx, id, g.now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, cb.OrgID, userFrom(ctx).ID, "greenhouse.callback_retry", "callback "+strconv.FormatInt(id, 10)+" for candidate "+strconv.FormatInt(cb.CandidateID, 10), g.now())
	})
	if err != nil {
		g.fail(w, r, err)
		return
	}
	g.flash(w, "The callback for candidate #"+strconv.FormatInt(cb.CandidateID, 10)+" will be sent again.")
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/staff/") || strings.HasPrefix(back, "//") {
		back = "/staff/greenhouse"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func init() { templateFuncs["callbackBadge"] = CallbackBadge }

// CallbackBadge is the CSS class of a callback status badge.
func CallbackBadge(status model.CallbackStatus) string {
	switch status {
	case model.CallbackDelivered:
		return "badge-active"
	case model.CallbackRetrying, model.CallbackPending:
		return "badge-queued"
	case model.CallbackFailed:
		return "badge-failed"
	}
	return "badge-closed"
}
