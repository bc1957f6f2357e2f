package connection_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse/connection"
	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

const testPosting = `{
  "format": "talentsystems.posting/v1",
  "title": "Sandbox Engineer",
  "description": "Keep integrations honest.",
  "assessment_type": "interview",
  "time_limit": {"interview_minutes": 30},
  "competencies": [{"key": "apis", "name": "APIs"}],
  "questions": [
    {"key": "verb", "section": "interview", "competency": "apis", "kind": "multiple_choice", "prompt": "Which method does the completion callback use?",
     "options": [{"key": "a", "text": "PATCH", "correct": true}, {"key": "b", "text": "POST"}]},
    {"key": "retry", "section": "interview", "competency": "apis", "kind": "free_text", "prompt": "When do you retry a callback?",
     "rubric": {"expected_points": [{"text": "Retries 5xx", "phrases": ["5xx"]}, {"text": "Honours Retry-After", "phrases": ["retry-after"]}]}}
  ]
}`

type env struct {
	*apptest.Instance
	sb       *sandbox.Sandbox
	admin    *model.User
	orgID    int64
	publicID string
	key      string
}

func start(t *testing.T, dbURL string, sc sandbox.Config) *env {
	t.Helper()
	ctx := context.Background()
	sb := sandbox.New(sc)
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := apptest.Config(t, dbURL)
	configure(cfg, sb)
	inst := apptest.Start(t, cfg)
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Acme", "acme")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{OrgID: org.ID, Email: "ann@acme.test", Name: "Ann", Password: "correct horse battery", Role: model.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	p, err := inst.Postings.Import(ctx, admin.Actor(), strings.NewReader(testPosting), true)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := inst.APIKeys.Generate(ctx, model.CommandLine(org.ID), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &env{Instance: inst, sb: sb, admin: admin, orgID: org.ID, publicID: p.PublicID, key: issued.Key}
}

func configure(cfg *config.Config, sb *sandbox.Sandbox) {
	g := &cfg.Greenhouse
	g.SandboxHosts = []string{sb.Addr()}
	g.OAuthClientID, g.OAuthClientSecret = "sandbox-client", "sandbox-secret"
	g.AuthURL, g.HarvestURL = sb.URL(), sb.URL()
	g.HarvestPageSize = 7 // the 34 seeded jobs span several pages
}

// connect runs the OAuth flow without a browser: Begin, the sandbox's
// consent (IssueCode), Callback.
func (e *env) connect(t *testing.T, session string) {
	t.Helper()
	state := e.begin(t, session)
	code := e.sb.IssueCode(e.URL+config.HarvestRedirectPath, harvest.Scopes, sandbox.AsUser)
	if err := e.Harvest.Callback(context.Background(), e.admin.Actor(), session, state, code, ""); err != nil {
		t.Fatalf("callback: %v", err)
	}
}

func (e *env) begin(t *testing.T, session string) string {
	t.Helper()
	target, err := e.Harvest.AuthorizeURL(context.Background(), e.admin.Actor(), session)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	if u.Path != "/authorize" || u.Query().Get("client_id") != "sandbox-client" || u.Query().Get("redirect_uri") != e.URL+config.HarvestRedirectPath {
		t.Fatalf("authorize URL %s", target)
	}
	return u.Query().Get("state")
}

// sendTest sends a Greenhouse candidate through our send_test API, as
// Greenhouse does, for the seeded Harvest candidate ghID.
func (e *env) sendTest(t *testing.T, ghID int64, email string) int64 {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"partner_test_id": e.publicID,
		"candidate": map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": email,
			"greenhouse_profile_url": "https://app.greenhouse.io/people/" + strconv.FormatInt(ghID, 10) + "?application_id=410000"},
		"url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/" + strconv.FormatInt(ghID, 10)})
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/greenhouse/send_test", strings.NewReader(string(body)))
	req.SetBasicAuth(e.key, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"partner_interview_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("send_test: %d %v", resp.StatusCode, err)
	}
	id, _ := strconv.ParseInt(out.ID, 10, 64)
	return id
}

func (e *env) notes(t *testing.T, n int) []sandbox.Note {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	st, err := e.sb.Wait(ctx, func(st sandbox.State) bool { return len(st.Notes) >= n })
	if err != nil {
		t.Fatalf("waiting for %d notes: %v (have %d)", n, err, len(e.sb.Snapshot().Notes))
	}
	return st.Notes
}

func TestConnectState(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		redirect := e.URL + config.HarvestRedirectPath
		refused := func(name, session, state string) {
			t.Helper()
			code := e.sb.IssueCode(redirect, harvest.Scopes, sandbox.AsUser)
			err := e.Harvest.Callback(ctx, e.admin.Actor(), session, state, code, "")
			if apperror.KindOf(err) != apperror.Forbidden {
				t.Errorf("%s: %v, want refused", name, err)
			}
		}
		refused("forged state", "sess-a", "forged-state")
		refused("no state", "sess-a", "")
		foreign := e.begin(t, "sess-b")
		refused("another session's state", "sess-a", foreign)
		refused("that state again, by its own session (used once)", "sess-b", foreign)
		state := e.begin(t, "sess-a")
		if err := e.Harvest.Callback(ctx, e.admin.Actor(), "sess-a", state, e.sb.IssueCode(redirect, harvest.Scopes, sandbox.AsUser), ""); err != nil {
			t.Fatal(err)
		}
		refused("replayed state", "sess-a", state)
		card, err := e.Harvest.Card(ctx, e.orgID)
		if err != nil || card.Status() != "Connected" || card.Conn.ConnectedByName != "Ann" || len(card.Scopes) != len(harvest.Scopes) {
			t.Fatalf("card %+v %v", card, err)
		}
		var sealed string
		e.Store.DB.QueryRow(`SELECT access_sealed FROM harvest_connections`).Scan(&sealed)
		if strings.HasPrefix(sealed, "gh_at_") {
			t.Error("the access token is stored in the clear")
		}
	})
}

func TestImport(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		e.connect(t, "s")
		all, err := e.Harvest.Jobs(ctx, e.orgID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 26 { // 34 seeded: 5 closed, 3 drafts
			t.Errorf("%d open jobs across pages, want 26", len(all))
		}
		found, err := e.Harvest.Jobs(ctx, e.orgID, "data")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 || len(found) >= len(all) {
			t.Fatalf("search found %d", len(found))
		}
		for _, j := range found {
			if !strings.Contains(strings.ToLower(j.Name), "data") || j.Departments == "" || j.Offices == "" {
				t.Errorf("job %+v", j)
			}
		}
		// Two jobs at once.
		res, err := e.Harvest.Import(ctx, e.admin.Actor(), []int64{found[0].ID, all[0].ID})
		if err != nil || len(res.Created) != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		p, err := e.Postings.Get(ctx, e.admin.Actor(), res.Created[0].PostingID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != model.PostingDraft || p.Doc.Title != found[0].Name || !strings.Contains(p.Doc.Description, "**About the role**") ||
			!strings.Contains(p.Doc.Description, "- Own features") || strings.Contains(p.Doc.Description, "<p>") ||
			!strings.Contains(p.Doc.Description, "[our careers site](https://example.com/careers/benefits)") {
			t.Errorf("draft %q: %q", p.Doc.Title, p.Doc.Description)
		}
		listed, _ := e.Harvest.Jobs(ctx, e.orgID, found[0].Name)
		if len(listed) == 0 || listed[0].ImportedPostingID != p.ID {
			t.Errorf("the imported job is not marked: %+v", listed)
		}
		// A concurrent double import of one job makes one posting.
		job := all[len(all)-1]
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.Harvest.Import(ctx, e.admin.Actor(), []int64{job.ID}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var n int
		e.Store.DB.QueryRow(`SELECT COUNT(*) FROM postings WHERE title = $1`, job.Name).Scan(&n)
		if n != 1 {
			t.Errorf("%d postings for one job imported four times at once", n)
		}
	})
}

func TestLinkAndResultNotes(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		e.connect(t, "s")
		id := e.sendTest(t, 309000, "ada@example.test")
		c, _ := store.OrgCandidate(ctx, e.Store.DB, e.orgID, id)
		link := e.Candidates.Link(c)
		notes := e.notes(t, 1)
		if notes[0].CandidateID != 309000 || notes[0].Visibility != "private" || !strings.Contains(notes[0].Body, link) {
			t.Fatalf("link note %+v, want the link %s", notes[0], link)
		}
		if err := e.Candidates.Reset(ctx, e.admin.Actor(), id); err != nil {
			t.Fatal(err)
		}
		c, _ = store.OrgCandidate(ctx, e.Store.DB, e.orgID, id)
		notes = e.notes(t, 2)
		if newLink := e.Candidates.Link(c); newLink == link || !strings.Contains(notes[1].Body, newLink) {
			t.Fatalf("reset note %q, want %s", notes[1].Body, newLink)
		}
		take(t, e, c)
		notes = e.notes(t, 3)
		if b := notes[2].Body; !strings.Contains(b, "Overall score") || !strings.Contains(b, "Recommendation") || !strings.Contains(b, "APIs") ||
			!strings.Contains(b, "/candidates/"+strconv.FormatInt(id, 10)) {
			t.Fatalf("result note %q", b)
		}
		// Retries of the hook (the same result) record nothing new.
		c, _ = store.OrgCandidate(ctx, e.Store.DB, e.orgID, id)
		for range 3 {
			if err := e.Store.Tx(ctx, func(tx *sql.Tx) error { return e.Harvest.OnResult(ctx, tx, c) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Candidates.Override(ctx, e.admin.Actor(), id, "verb", 1, "Checked by hand."); err != nil {
			t.Fatal(err)
		}
		notes = e.notes(t, 4)
		if !strings.Contains(notes[3].Body, "updated") {
			t.Errorf("update note %q", notes[3].Body)
		}
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		if n := len(e.sb.Snapshot().Notes); n != 4 {
			t.Errorf("%d notes, want 4 (link, new link, result, update)", n)
		}
		pushes, _ := e.Harvest.Pushes(ctx, e.orgID, id)
		for _, p := range pushes {
			if p.Status != model.PushPushed {
				t.Errorf("push %d %s %s %s", p.ID, p.Kind, p.Status, p.LastError)
			}
		}
		// Outcomes are read, never written.
		n, err := e.Harvest.ReadOutcomes(ctx, e.orgID)
		if err != nil || n != 1 {
			t.Fatalf("outcomes: %d %v", n, err)
		}
		out, _ := e.Harvest.Outcomes(ctx, e.orgID)
		if len(out) != 1 || out[0].GHCandidateID != 309000 || out[0].Status != "active" || out[0].Stage != "Application Review" {
			t.Errorf("outcome %+v", out[0])
		}
	})
}

func take(t *testing.T, e *env, c *model.Candidate) {
	t.Helper()
	path := strings.TrimPrefix(e.Candidates.Link(c), e.URL)
	cl := apptest.NewClient(t, e.URL)
	steps := []struct {
		page, action string
		form         url.Values
	}{
		{path, path + "/start", url.Values{"consent": {"yes"}}},
		{path + "/q/1", path + "/q/1", url.Values{"answer": {"a"}, "action": {"next"}}},
		{path + "/q/2", path + "/q/2", url.Values{"answer": {"Retry 5xx answers and honour Retry-After."}, "action": {"review"}}},
		{path + "/review", path + "/submit", nil},
	}
	for _, s := range steps {
		if r := cl.Submit(s.page, s.action, s.form); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d", s.action, r.Status)
		}
	}
}

func TestRefreshRotation(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{AccessTokenTTL: 2 * time.Second, RateLimit: 1000})
		ctx := context.Background()
		e.connect(t, "s")
		for round := range 2 {
			time.Sleep(2100 * time.Millisecond) // the access token expired
			var wg sync.WaitGroup
			for range 5 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := e.Harvest.Jobs(ctx, e.orgID, "engineer"); err != nil {
						t.Errorf("round %d: %v", round, err)
					}
				}()
			}
			wg.Wait()
		}
		refreshes, refused := 0, 0
		for _, g := range e.sb.Snapshot().Grants {
			switch g.Kind {
			case "refresh_token":
				refreshes++
			case "refused":
				refused++
			}
		}
		if refreshes != 2 || refused != 0 {
			t.Errorf("%d refreshes and %d refused grants, want one refresh per expiry and none refused", refreshes, refused)
		}
		// The periodic refresh of idle connections.
		if _, err := e.Store.DB.Exec(`UPDATE harvest_connections SET refresh_expires_at = $1`, time.Now().Add(time.Hour).UnixMicro()); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Harvest.RefreshIdle(ctx); err != nil || n != 1 {
			t.Fatalf("refresh idle: %d %v", n, err)
		}
	})
}

func TestRevokedRefreshToken(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{AccessTokenTTL: time.Second})
		ctx := context.Background()
		e.connect(t, "s")
		e.sb.RevokeGrants()
		time.Sleep(1100 * time.Millisecond)
		_, err := e.Harvest.Jobs(ctx, e.orgID, "")
		if !errors.Is(err, connection.ErrReconnect) {
			t.Fatalf("after revocation: %v", err)
		}
		card, _ := e.Harvest.Card(ctx, e.orgID)
		if card.Status() != "Reconnect needed" || !strings.Contains(card.Conn.Reason, "refused the refresh token") {
			t.Errorf("card %s: %q", card.Status(), card.Conn.Reason)
		}
		var mails int
		e.Store.DB.QueryRow(`SELECT COUNT(*) FROM emails WHERE to_addr = $1 AND subject LIKE '%Reconnect%'`, "ann@acme.test").Scan(&mails)
		if mails != 1 {
			t.Errorf("%d mails to the admin", mails)
		}
		e.connect(t, "s") // reconnecting restores it
		if _, err := e.Harvest.Jobs(ctx, e.orgID, ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	e := start(t, "", sandbox.Config{})
	ctx := context.Background()
	e.connect(t, "s")
	if err := e.sb.SetFault("jobs", sandbox.Fault{RateLimitRate: 1, RetryAfter: 1}); err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(300 * time.Millisecond); e.sb.SetFault("jobs", sandbox.Fault{}) }()
	t0 := time.Now()
	if _, err := e.Harvest.Jobs(ctx, e.orgID, ""); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < time.Second {
		t.Errorf("answered after %s: Retry-After 1 s was not honoured", d)
	}
	// A long Retry-After is told in words, not waited out.
	e.sb.SetFault("jobs", sandbox.Fault{RateLimitRate: 1, RetryAfter: 120})
	_, err := e.Harvest.Jobs(ctx, e.orgID, "")
	if apperror.KindOf(err) != apperror.TooMany || !strings.Contains(apperror.Message(err), "slow down") {
		t.Errorf("long Retry-After: %v", err)
	}
}

func TestDisconnectCancelsPushes(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		e.connect(t, "s")
		e.sb.SetFault("notes", sandbox.Fault{FailureRate: 1})
		id := e.sendTest(t, 309001, "grace@example.test")
		apptest.Eventually(t, 10*time.Second, "a failed try", func() bool {
			p, _ := e.Harvest.Pushes(ctx, e.orgID, id)
			return len(p) == 1 && p[0].Tries > 0
		})
		n, err := e.Harvest.Disconnect(ctx, e.admin.Actor())
		if err != nil || n != 1 {
			t.Fatalf("disconnect: %d %v", n, err)
		}
		e.sb.SetFault("notes", sandbox.Fault{})
		// The job's retry comes, finds the push cancelled and ends.
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		p, _ := e.Harvest.Pushes(ctx, e.orgID, id)
		if p[0].Status != model.PushCancelled || len(e.sb.Snapshot().Notes) != 0 {
			t.Errorf("push %s, %d notes", p[0].Status, len(e.sb.Snapshot().Notes))
		}
		if _, err := e.Candidates.Get(ctx, e.admin.Actor(), id); err != nil {
			t.Errorf("candidate after disconnect: %v", err)
		}
		card, _ := e.Harvest.Card(ctx, e.orgID)
		if card.Status() != "Not connected" {
			t.Errorf("card %s", card.Status())
		}
	})
}

// TestNoteNeverPostedTwice crashes the push worker between Greenhouse
// accepting a note and the record of it: the retry finds the note among the
// candidate's notes by its reference line and does not post it again. A
// connection that cannot read notes leaves the push uncertain for a person.
func TestNoteNeverPostedTwice(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		e.connect(t, "s")
		var crashes sync.Map
		connection.SetAfterPost(e.Harvest, func(pushID int64) error {
			if _, again := crashes.LoadOrStore(pushID, true); !again {
				return errors.New("crash injected after the POST, before the record")
			}
			return nil
		})
		id := e.sendTest(t, 309002, "linus@example.test")
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		notes := e.sb.Snapshot().Notes
		pushes, _ := e.Harvest.Pushes(ctx, e.orgID, id)
		if len(notes) != 1 || len(pushes) != 1 {
			t.Fatalf("%d notes and %d pushes, want one each", len(notes), len(pushes))
		}
		if p := pushes[0]; p.Status != model.PushPushed || p.NoteID != notes[0].ID || !strings.Contains(notes[0].Body, "Talent Systems reference: ts-note-") {
			t.Errorf("push %s note %d (%q), want pushed as note %d", p.Status, p.NoteID, p.LastError, notes[0].ID)
		}

		// Without harvest:notes:list the retry cannot look: uncertain, and
		// only a person's "post again" posts a second note.
		var scopes []string
		for _, sc := range harvest.Scopes {
			if sc != "harvest:notes:list" {
				scopes = append(scopes, sc)
			}
		}
		state := e.begin(t, "s")
		code := e.sb.IssueCode(e.URL+config.HarvestRedirectPath, scopes, sandbox.AsUser)
		if err := e.Harvest.Callback(ctx, e.admin.Actor(), "s", state, code, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.Candidates.Reset(ctx, e.admin.Actor(), id); err != nil {
			t.Fatal(err)
		}
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		pushes, _ = e.Harvest.Pushes(ctx, e.orgID, id)
		if n := len(e.sb.Snapshot().Notes); n != 2 || pushes[0].Status != model.PushUncertain || !strings.Contains(pushes[0].LastError, "may have posted") {
			t.Fatalf("%d notes, push %s %q; want 2 notes and the new push uncertain", n, pushes[0].Status, pushes[0].LastError)
		}
		if err := e.Harvest.RetryPush(ctx, e.admin.Actor(), id, pushes[0].ID); err != nil {
			t.Fatal(err)
		}
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		pushes, _ = e.Harvest.Pushes(ctx, e.orgID, id)
		if n := len(e.sb.Snapshot().Notes); n != 3 || pushes[0].Status != model.PushPushed {
			t.Errorf("after post again: %d notes, push %s; want 3 and pushed", n, pushes[0].Status)
		}
	})
}

// TestStaffRetryPush lists a failed note on the staff console's Greenhouse
// page, with a retry that posts it; a note pending for too long is listed
// as stuck.
func TestStaffRetryPush(t *testing.T) {
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		e := start(t, dbURL, sandbox.Config{})
		ctx := context.Background()
		e.connect(t, "s")
		if _, err := e.Accounts.CreateUser(ctx, model.CommandLine(0), account.NewUser{Email: "ops@ts.test", Name: "Ops", Password: "correct horse battery", Role: model.RoleStaff}); err != nil {
			t.Fatal(err)
		}
		staff := apptest.NewClient(t, e.URL)
		staff.SignIn("ops@ts.test", "correct horse battery")
		e.sb.SetFault("notes", sandbox.Fault{FailureRate: 1, FailureStatus: http.StatusUnprocessableEntity})
		id := e.sendTest(t, 309004, "edsger@example.test")
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		pushes, _ := e.Harvest.Pushes(ctx, e.orgID, id)
		if len(pushes) != 1 || pushes[0].Status != model.PushFailed {
			t.Fatalf("pushes %+v, want one failed", pushes)
		}
		page := staff.Get("/staff/greenhouse")
		action := "/staff/greenhouse/notes/" + strconv.FormatInt(pushes[0].ID, 10) + "/retry"
		if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="harvest-notes"`) || !strings.Contains(page.Body, action) ||
			!strings.Contains(page.Body, "#"+strconv.FormatInt(id, 10)) {
			t.Fatalf("staff page %d does not list the failed note with a retry:\n%.2000s", page.Status, page.Body)
		}
		e.sb.SetFault("notes", sandbox.Fault{})
		if r := staff.Submit("/staff/greenhouse", action, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("retry: %d", r.Status)
		}
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		pushes, _ = e.Harvest.Pushes(ctx, e.orgID, id)
		if pushes[0].Status != model.PushPushed || len(e.sb.Snapshot().Notes) != 1 {
			t.Fatalf("after the staff retry: %s, %d notes", pushes[0].Status, len(e.sb.Snapshot().Notes))
		}
		if page := staff.Get("/staff/greenhouse"); strings.Contains(page.Body, action) {
			t.Error("a posted note is still listed")
		}
		// A note left sending for 20 minutes (its job lost) is stuck: listed,
		// and its retry looks in Greenhouse first, finding it posted.
		old := time.Now().Add(-20 * time.Minute).UnixMicro()
		if _, err := e.Store.DB.Exec(`UPDATE harvest_pushes SET status = 'sending', updated_at = $1 WHERE id = $2`, old, pushes[0].ID); err != nil {
			t.Fatal(err)
		}
		if page := staff.Get("/staff/greenhouse"); !strings.Contains(page.Body, action) || !strings.Contains(page.Body, "stuck since") {
			t.Fatalf("a stuck note is not listed:\n%.2000s", page.Body)
		}
		if r := staff.Submit("/staff/greenhouse", action, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("retry of a stuck note: %d", r.Status)
		}
		apptest.JobsSettled(t, e.Store.DB, connection.PushArgs{}.Kind(), 30*time.Second)
		pushes, _ = e.Harvest.Pushes(ctx, e.orgID, id)
		if pushes[0].Status != model.PushPushed || len(e.sb.Snapshot().Notes) != 1 {
			t.Errorf("after retrying a stuck note: %s, %d notes (want pushed, 1)", pushes[0].Status, len(e.sb.Snapshot().Notes))
		}
	})
}
