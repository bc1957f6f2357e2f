// Package candidates keeps the people who take assessments: adding them (by
// hand, from a CSV file, or from Greenhouse) with a private link, resetting,
// extending and erasing them, and the overrides of their scores.
package candidates

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/secretbox"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service applies the candidate rules to the store.
type Service struct {
	Store   *store.Store
	Queue   *jobs.Queue
	Box     *secretbox.Box
	BaseURL string
	Now     func() time.Time
	Scorer  scoring.Scorer
	// OnResult runs in the transaction that changes a candidate's result or
	// status (a Greenhouse candidate's creation, scoring, override, reset,
	// erasure). The Greenhouse integration
	// enqueues its callback there, so the change and the callback commit together.
	OnResult func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error
}

// tokenContext binds sealed link tokens to their use.
const tokenContext = "candidate link"

// Person is who a candidate is.
type Person struct {
	FirstName, LastName, Email, Phone string
}

// Validate checks a person's fields and normalizes them.
func (p *Person) Validate() error {
	p.FirstName, p.LastName, p.Phone = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName), strings.TrimSpace(p.Phone)
	switch {
	case p.FirstName == "" || len(p.FirstName) > 100:
		return apperror.Field("first_name", "the first name must have 1 to 100 characters")
	case p.LastName == "" || len(p.LastName) > 100:
		return apperror.Field("last_name", "the last name must have 1 to 100 characters")
	case len(p.Phone) > 40:
		return apperror.Field("phone", "the phone number must have at most 40 characters")
	}
	for _, f := range []struct{ name, v string }{{"first_name", p.FirstName}, {"last_name", p.LastName}, {"phone", p.Phone}} {
		if strings.ContainsAny(f.v, "<>\x00\r\n") {
			return apperror.Field(f.name, "the %s must not contain <, > or line breaks", strings.ReplaceAll(f.name, "_", " "))
		}
		if strings.ContainsRune(f.v, '\uFFFD') {
			return apperror.Field(f.name, "the %s has characters that could not be read (�): save the file as UTF-8 and upload it again", strings.ReplaceAll(f.name, "_", " "))
		}
	}
	a, err := mail.ParseAddress(strings.TrimSpace(p.Email))
	if err != nil || a.Name != "" || len(a.Address) > 254 {
		return apperror.Field("email", "%q is not an email address", p.Email)
	}
	p.Email = strings.ToLower(a.Address)
	return nil
}

// Greenhouse is what Greenhouse's Send Test tells us about a candidate.
type Greenhouse struct {
	TestID, CandidateID, ApplicationID, ProfileURL, CallbackURL, SentBy string
}

// AddOptions say where a candidate comes from and whether to mail the link.
type AddOptions struct {
	Source     model.Source
	SendEmail  bool
	Greenhouse *Greenhouse
	// Event is the Greenhouse event written with the candidate, if any.
	Event *store.CandidateEvent
}

// Add creates a candidate on an active posting of the actor's organization
// with a new private link, and queues the invitation mail when asked, in one
// transaction.
func (s *Service) Add(ctx context.Context, actor model.Actor, postingID int64, p Person, opt AddOptions) (*model.Candidate, error) {
	var c *model.Candidate
	err := s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.AddTx(ctx, actor, tx, postingID, p, opt)
		return err
	})
	return c, err
}

// AddTx is Add inside the caller's transaction.
func (s *Service) AddTx(ctx context.Context, actor model.Actor, tx *sql.Tx, postingID int64, p Person, opt AddOptions) (*model.Candidate, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	sp, err := store.OrgPosting(ctx, tx, actor.OrgID, postingID)
	if err != nil {
		return nil, err
	}
	return s.addTx(ctx, actor, tx, sp, p, opt)
}

// AddToPostingTx is AddTx for a posting the caller read before the
// transaction (sp, with its document), which keeps the write transaction
// short: the candidate is inserted only if the posting is still active at
// the revision read, in the same statement, and a posting saved meanwhile is
// read again in full.
func (s *Service) AddToPostingTx(ctx context.Context, actor model.Actor, tx *sql.Tx, sp *model.Posting, p Person, opt AddOptions) (*model.Candidate, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return s.addTx(ctx, actor, tx, sp, p, opt)
}

// addTx adds the candidate to sp, reading the posting again when it was saved
// since sp was read (a few times at most: each save is a committed change).
func (s *Service) addTx(ctx context.Context, actor model.Actor, tx *sql.Tx, sp *model.Posting, p Person, opt AddOptions) (*model.Candidate, error) {
	for range 3 {
		c, err := s.addAt(ctx, actor, tx, sp, p, opt)
		if !errors.Is(err, store.ErrPostingChanged) {
			return c, err
		}
		if sp, err = store.OrgPosting(ctx, tx, actor.OrgID, sp.ID); err != nil {
			return nil, err
		}
	}
	return nil, apperror.New(apperror.Conflict, "The posting %q changed while the candidate was being added. Try again.", sp.Title)
}

// addAt adds the candidate to sp as read: store.ErrPostingChanged when the
// posting has been saved since.
func (s *Service) addAt(ctx context.Context, actor model.Actor, tx *sql.Tx, sp *model.Posting, p Person, opt AddOptions) (*model.Candidate, error) {
	postingID := sp.ID
	if sp.Status != model.PostingActive {
		return nil, apperror.New(apperror.Conflict, "The posting %q is %s: only an active posting takes candidates.", sp.Title, sp.Status)
	}
	if opt.Source == model.SourceManual {
		if old, err := store.PostingCandidateByEmail(ctx, tx, actor.OrgID, postingID, p.Email); err == nil {
			return nil, &Duplicate{Existing: old, For: actor}
		} else if apperror.KindOf(err) != apperror.NotFound {
			return nil, err
		}
	}
	doc, err := decodeDoc(sp.Document)
	if err != nil {
		return nil, fmt.Errorf("candidates: posting %d: %w", sp.ID, err)
	}
	now := s.Now()
	token := auth.NewToken()
	c := &model.Candidate{
		OrgID: actor.OrgID, PostingID: postingID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, Phone: p.Phone,
		Source: opt.Source, Status: model.CandidateSent, TokenHash: auth.Hash(token), TokenSealed: s.Box.Seal(token, tokenContext),
		ExpiresAt: now.Add(time.Duration(doc.LinkValidityDays) * 24 * time.Hour), CreatedBy: actor.UserID, CreatedAt: now, PostingTitle: sp.Title,
		New: true,
	}
	if g := opt.Greenhouse; g != nil {
		c.GHTestID, c.GHCandidateID, c.GHApplicationID, c.GHProfileURL, c.GHCallbackURL, c.GHSentBy = g.TestID, g.CandidateID, g.ApplicationID, g.ProfileURL, g.CallbackURL, g.SentBy
	}
	log := store.NewCandidateLog{ActorID: actor.UserID, Action: "candidate.add",
		AuditDetail: fmt.Sprintf(" %s on %s (%s)", c.Email, sp.PublicID, c.Source), Event: opt.Event}
	if err := s.Store.AddCandidate(ctx, tx, c, sp.Revision, log); err != nil {
		return nil, err
	}
	if opt.SendEmail {
		if err := s.invite(ctx, tx, c, doc, token); err != nil {
			return nil, err
		}
	}
	if c.Source == model.SourceGreenhouse {
		// The hook hears of the new link (Harvest posts it to Greenhouse).
		if err := s.onResult(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Link returns the candidate's current assessment link.
func (s *Service) Link(c *model.Candidate) string { return LinkOf(s.Box, s.BaseURL, c) }

// LinkOf returns a candidate's current assessment link under baseURL, or ""
// when it has none. Hooks built before the service use it.
func LinkOf(box *secretbox.Box, baseURL string, c *model.Candidate) string {
	if c.TokenSealed == "" {
		return ""
	}
	token, err := box.Open(c.TokenSealed, tokenContext)
	if err != nil {
		return ""
	}
	return baseURL + "/a/" + token
}

// Get returns a candidate of the actor's organization.
func (s *Service) Get(ctx context.Context, actor model.Actor, id int64) (*model.Candidate, error) {
	return store.OrgCandidate(ctx, s.Store.DB, actor.OrgID, id)
}

// change loads a candidate of the actor's organization in a transaction,
// lets fn change it, and saves it with an audit event.
func (s *Service) change(ctx context.Context, actor model.Actor, id int64, action string, fn func(tx *sql.Tx, c *model.Candidate) (string, error)) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		c, err := store.OrgCandidate(ctx, tx, actor.OrgID, id)
		if err != nil {
			return err
		}
		if !c.ErasedAt.IsZero() {
			return apperror.New(apperror.Conflict, "This candidate's data was erased.")
		}
		detail, err := fn(tx, c)
		if err != nil {
			return err
		}
		if err := store.UpdateCandidate(ctx, tx, c, s.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, action, fmt.Sprintf("%d %s", c.ID, detail), s.Now())
	})
}

func (s *Service) postingDoc(ctx context.Context, q store.Querier, c *model.Candidate) (*posting.Posting, error) {
	sp, err := store.OrgPosting(ctx, q, c.OrgID, c.PostingID)
	if err != nil {
		return nil, err
	}
	return decodeDoc(sp.Document)
}

// Reset gives the candidate a new link and a fresh start: the old link stops
// working at once, the current attempt is kept (marked reset) for the audit
// trail, and the invitation is mailed again, except to Greenhouse candidates
// (Greenhouse notifies them).
func (s *Service) Reset(ctx context.Context, actor model.Actor, id int64) error {
	return s.change(ctx, actor, id, "candidate.reset", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		doc, err := s.postingDoc(ctx, tx, c)
		if err != nil {
			return "", err
		}
		now := s.Now()
		if c.AttemptID != 0 {
			a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
			if err != nil {
				return "", err
			}
			from := a.Status
			a.Status = model.AttemptReset
			if _, err := store.UpdateAttempt(ctx, tx, a, from); err != nil {
				return "", err
			}
		}
		if err := store.RetireToken(ctx, tx, c.TokenHash, c.ID, "reset", now); err != nil {
			return "", err
		}
		token := auth.NewToken()
		c.TokenHash, c.TokenSealed = auth.Hash(token), s.Box.Seal(token, tokenContext)
		c.Status, c.AttemptID, c.Score, c.Recommendation = model.CandidateSent, 0, nil, ""
		c.StartedAt, c.CompletedAt = time.Time{}, time.Time{}
		c.ExpiresAt = now.Add(time.Duration(doc.LinkValidityDays) * 24 * time.Hour)
		if c.Source == model.SourceManual {
			if err := s.invite(ctx, tx, c, doc, token); err != nil {
				return "", err
			}
		}
		return "new link", s.onResult(ctx, tx, c)
	})
}

// Hooks returns one OnResult hook that calls each of hooks in order, in the
// same transaction, stopping at the first error (which rolls the change back).
func Hooks(hooks ...func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error) func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
	return func(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
		for _, h := range hooks {
			if err := h(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	}
}

func (s *Service) onResult(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
	if s.OnResult == nil {
		return nil
	}
	return s.OnResult(ctx, tx, c)
}

// MaxExtendDays bounds one extension of a link.
const MaxExtendDays = 365

// Extend moves the link's expiry days later (from now if it has lapsed).
func (s *Service) Extend(ctx context.Context, actor model.Actor, id int64, days int) error {
	if days < 1 || days > MaxExtendDays {
		return apperror.Field("days", "extend by 1 to %d days", MaxExtendDays)
	}
	return s.change(ctx, actor, id, "candidate.extend", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		if c.Status == model.CandidateCompleted {
			return "", apperror.New(apperror.Conflict, "The candidate has completed the assessment; there is nothing to extend.")
		}
		from := c.ExpiresAt
		if now := s.Now(); from.Before(now) {
			from = now
		}
		c.ExpiresAt = from.Add(time.Duration(days) * 24 * time.Hour)
		return fmt.Sprintf("by %d days to %s", days, c.ExpiresAt.Format(time.RFC3339)), s.onResult(ctx, tx, c)
	})
}

// MaxExtraTimePct bounds an accommodation.
const MaxExtraTimePct = 300

// SetAccommodation gives the candidate pct percent extra time. An attempt in
// progress gets its deadline moved accordingly.
func (s *Service) SetAccommodation(ctx context.Context, actor model.Actor, id int64, pct int) error {
	if pct < 0 || pct > MaxExtraTimePct {
		return apperror.Field("extra_time_pct", "extra time must be 0 to %d percent", MaxExtraTimePct)
	}
	return s.change(ctx, actor, id, "candidate.accommodation", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		old := c.ExtraTimePct
		c.ExtraTimePct = pct
		if c.Status == model.CandidateStarted && c.AttemptID != 0 {
			a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
			if err != nil {
				return "", err
			}
			doc, err := s.versionDoc(ctx, tx, c, a.PostingVersion)
			if err != nil {
				return "", err
			}
			rescale := func(start, deadline time.Time) time.Time {
				if deadline.IsZero() {
					return deadline
				}
				base := float64(deadline.Sub(start)) / (1 + float64(old)/100)
				return start.Add(time.Duration(base * (1 + float64(pct)/100)))
			}
			a.DeadlineAt = rescale(a.StartedAt, a.DeadlineAt)
			if !a.SectionDeadlineAt.IsZero() {
				limit := sectionMinutes(doc, posting.Section(a.Section))
				start := a.SectionDeadlineAt.Add(-extra(time.Duration(limit)*time.Minute, old))
				a.SectionDeadlineAt = start.Add(extra(time.Duration(limit)*time.Minute, pct))
			}
			if _, err := store.UpdateAttempt(ctx, tx, a, model.AttemptInProgress); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("extra time %d%%", pct), nil
	})
}

// Erase removes the candidate's personal data, answers, files and voluntary
// self-identification on request;
// the anonymous status and scores stay for the posting's statistics.
func (s *Service) Erase(ctx context.Context, actor model.Actor, id int64) error {
	return s.change(ctx, actor, id, "candidate.erase", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		attempts, err := store.CandidateAttempts(ctx, tx, c.ID)
		if err != nil {
			return "", err
		}
		for _, a := range attempts {
			if err := store.DeleteAttemptData(ctx, tx, a.ID); err != nil {
				return "", err
			}
			if len(a.Result) > 0 {
				if err := encodeResult(a, anonymousResult(a.Result)); err != nil {
					return "", err
				}
				if _, err := store.UpdateAttempt(ctx, tx, a, a.Status); err != nil {
					return "", err
				}
			}
		}
		// The voluntary self-identification goes with the personal data.
		if err := store.DeleteSelfIdentification(ctx, tx, c.ID); err != nil {
			return "", err
		}
		if err := store.RetireToken(ctx, tx, c.TokenHash, c.ID, "erased", s.Now()); err != nil {
			return "", err
		}
		// Mails to them (address, subject, bodies) and every log line that
		// names them.
		if c.Email != "" {
			if err := store.EraseEmailsTo(ctx, tx, c.OrgID, c.Email, s.Now()); err != nil {
				return "", err
			}
		}
		full := strings.TrimSpace(c.FirstName + " " + c.LastName)
		if err := store.RedactPersonalData(ctx, tx, c.OrgID, c.Email, full, c.Phone, c.FirstName, c.LastName); err != nil {
			return "", err
		}
		c.FirstName, c.LastName, c.Email, c.Phone = "", "", "", ""
		c.TokenHash, c.TokenSealed = "", ""
		c.GHProfileURL = ""
		c.ErasedAt = s.Now()
		return "personal data erased", nil
	})
}

// anonymousResult keeps a result's scores and drops the evidence, which
// quotes the candidate's answers.
func anonymousResult(raw []byte) scoring.Result {
	var r scoring.Result
	if json.Unmarshal(raw, &r) != nil {
		return scoring.Result{}
	}
	for i := range r.Questions {
		r.Questions[i].Evidence = nil
		if r.Questions[i].Override != nil {
			r.Questions[i].Override.Note = ""
		}
	}
	return r
}

// versionDoc returns the posting document of the version an attempt runs on.
func (s *Service) versionDoc(ctx context.Context, q store.Querier, c *model.Candidate, version int) (*posting.Posting, error) {
	v, err := store.GetPostingVersion(ctx, q, c.PostingID, version)
	if err != nil {
		return nil, err
	}
	return decodeDoc(v.Document)
}

func sectionMinutes(doc *posting.Posting, sec posting.Section) int {
	if doc.TimeLimit == nil {
		return 0
	}
	if sec == posting.SectionPractical {
		return doc.TimeLimit.PracticalMinutes
	}
	return doc.TimeLimit.InterviewMinutes
}

// extra returns d lengthened by pct percent.
func extra(d time.Duration, pct int) time.Duration {
	return d + d*time.Duration(pct)/100
}

// PostingOf returns the posting as candidate c takes or took it: the version
// attempt a runs on, or the current posting when there is no attempt.
func (s *Service) PostingOf(ctx context.Context, c *model.Candidate, a *model.Attempt) (*posting.Posting, error) {
	if a != nil {
		return s.versionDoc(ctx, s.Store.DB, c, a.PostingVersion)
	}
	return s.postingDoc(ctx, s.Store.DB, c)
}
