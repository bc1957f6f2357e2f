package connection

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/greenhouse/harvest"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// PushArgs asks for one note to be posted to Greenhouse.
type PushArgs struct {
	PushID int64 `json:"push_id"`
}

// Kind names the job kind; queued jobs carry it, so it never changes.
func (PushArgs) Kind() string { return "harvest_push" }

// InsertOpts makes a push's job unique while one is queued or running: a
// retry pressed while its job still lives adds no second job, so two tries
// of one note never run at once (the look-before-posting relies on that).
func (PushArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// maxPushTries bounds the tries of one push before it is marked failed.
const maxPushTries = 10

// OnResult is the candidates service's hook, called in the transaction of
// every change to a candidate. For a Greenhouse candidate of a connected
// organization it records a push and enqueues it in that transaction: the
// new link (send_test, reset), or the result when it is new or changed
// (scoring, override). A push is keyed by candidate, kind and fingerprint
// (UNIQUE), so the same link or result is never recorded twice, whatever
// retries, restarts or instances do; an older pending push of the kind is
// superseded by the newer one.
func (s *Service) OnResult(ctx context.Context, tx *sql.Tx, c *model.Candidate) error {
	if s.client == nil || c.Source != model.SourceGreenhouse || ghCandidateID(c) == 0 || !c.ErasedAt.IsZero() {
		return nil
	}
	conn, err := store.HarvestConnection(ctx, tx, c.OrgID)
	if err != nil || conn == nil || conn.Status != model.HarvestConnected {
		return err
	}
	switch {
	case c.Status == model.CandidateSent && c.TokenHash != "":
		return s.record(ctx, tx, c, model.PushLink, c.TokenHash)
	case c.Status == model.CandidateCompleted && c.AttemptID != 0:
		a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, c, model.PushResult, resultContent(a))
	}
	return nil
}

// resultContent identifies a result: the attempt and what a note shows.
func resultContent(a *model.Attempt) string {
	var res scoring.Result
	json.Unmarshal(a.Result, &res)
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%.1f|%s", a.ID, res.Overall, res.Recommendation)
	for _, cs := range res.Competencies {
		fmt.Fprintf(&b, "|%s=%.1f", cs.Key, cs.Score)
	}
	return b.String()
}

func hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, c *model.Candidate, kind model.PushKind, content string) error {
	contentHash := hash(string(kind), content)
	now := s.now()
	prev := ""
	if !c.New { // a candidate created in this transaction has no pushes yet
		last, err := store.LastHarvestPush(ctx, tx, c.ID, kind)
		if err != nil {
			return err
		}
		if last != nil && last.ContentHash == contentHash {
			return nil // told already (or being told)
		}
		if last != nil {
			prev = last.Fingerprint
		}
		if err := store.SupersedeHarvestPushes(ctx, tx, c.ID, kind, now); err != nil {
			return err
		}
	}
	p := &model.HarvestPush{OrgID: c.OrgID, CandidateID: c.ID, Kind: kind, ContentHash: contentHash,
		Fingerprint: hash(contentHash, prev), Status: model.PushPending, CreatedAt: now}
	created, err := store.CreateHarvestPush(ctx, tx, p)
	if err != nil || !created {
		return err
	}
	return s.queue.Insert(ctx, tx, PushArgs{PushID: p.ID})
}

// ghCandidateID is the candidate's numeric Greenhouse id, 0 if none.
func ghCandidateID(c *model.Candidate) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(c.GHCandidateID), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// PushWorker posts notes. It registers itself on the queue.
type PushWorker struct {
	river.WorkerDefaults[PushArgs]
	s *Service
}

// Work makes one try. A push no longer pending or sending (pushed,
// cancelled by a disconnect, superseded, failed, uncertain) is left alone;
// a link or result that changed since the push was recorded is not posted
// (its own push follows).
//
// Harvest has no idempotency key, so a note is never posted twice by
// recording "sending" (committed) before the POST and "pushed" after it: a
// push found still sending — its instance died between Greenhouse accepting
// the note and the record, or the answer was lost (a timeout, a 5xx, an
// unreadable 2xx) — is first looked up among the candidate's notes in
// Greenhouse by the reference line every note carries, and posted only if
// absent. When the notes cannot be read (a connection made before the
// notes:list scope was asked for) it becomes uncertain for a person to
// decide, like a mail whose delivery was cut short.
func (w *PushWorker) Work(ctx context.Context, job *river.Job[PushArgs]) error {
	s := w.s
	p, err := store.HarvestPush(ctx, s.store.DB, job.Args.PushID)
	if apperror.KindOf(err) == apperror.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Status != model.PushPending && p.Status != model.PushSending {
		return nil
	}
	c, err := store.OrgCandidate(ctx, s.store.DB, p.OrgID, p.CandidateID)
	if err != nil {
		return err
	}
	body, current, err := s.noteBody(ctx, c, p)
	if err != nil {
		return err
	}
	if p.Status == model.PushSending {
		done, err := s.settleUncertain(ctx, p, c)
		if done || err != nil {
			return err
		}
		// Not in Greenhouse: the earlier try did not post it.
	}
	if !current {
		from := p.Status
		p.Status = model.PushSuperseded
		_, err := store.SaveHarvestPush(ctx, s.store.DB, p, from, s.now())
		return err
	}
	if p.Status == model.PushPending {
		p.Status = model.PushSending
		if ok, err := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushPending, s.now()); err != nil || !ok {
			return err // !ok: superseded or cancelled meanwhile
		}
	}
	body += "\n" + referenceLine(p)
	noteID, err := s.client.CreateNote(ctx, s.TokenSource(p.OrgID), harvest.Note{CandidateID: ghCandidateID(c), Body: body, Visibility: s.visibility})
	if err == nil && s.afterPost != nil {
		if herr := s.afterPost(p.ID); herr != nil {
			return herr
		}
	}
	if ctx.Err() != nil && err != nil {
		return ctx.Err() // still sending: the next try looks before posting
	}
	p.Tries++
	now := s.now()
	switch {
	case err == nil:
		// Posted: that is the truth even if a disconnect cancelled the push
		// while it was in flight.
		p.Status, p.NoteID, p.PushedAt, p.LastError = model.PushPushed, noteID, now, ""
		_, err := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now, model.PushCancelled)
		return err
	case errors.Is(err, ErrNotConnected):
		p.Status, p.LastError = model.PushCancelled, "the Greenhouse connection was disconnected"
	case errors.Is(err, ErrReconnect):
		p.Status, p.LastError = model.PushFailed, "the Greenhouse connection needs to be reconnected"
	case harvest.KindOf(err) == harvest.KindRateLimit:
		// Refused before it was taken: nothing was posted.
		p.Status, p.LastError = model.PushPending, "Greenhouse's rate limit: waiting "+wait(harvest.RetryAfterOf(err))
		if _, err := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now); err != nil {
			return err
		}
		return river.JobSnooze(max(harvest.RetryAfterOf(err), time.Second))
	case harvest.KindOf(err) == harvest.KindScope:
		p.Status, p.LastError = model.PushFailed, "Greenhouse refused: "+apperror.Message(explain(err))
	case harvest.KindOf(err) == harvest.KindNotFound:
		p.Status, p.LastError = model.PushFailed, "Greenhouse has no candidate "+strconv.FormatInt(ghCandidateID(c), 10)
	case harvest.KindOf(err) == harvest.KindRequest:
		p.Status, p.LastError = model.PushFailed, err.Error()
	case harvest.KindOf(err) == harvest.KindAuth && p.Tries < maxPushTries:
		// The token was refused, even after a refresh: nothing was posted.
		p.Status, p.LastError = model.PushPending, describeErr(explain(err))
		if _, serr := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now); serr != nil {
			return serr
		}
		return err // River retries with backoff
	case harvest.KindOf(err) == harvest.KindAuth:
		p.Status, p.LastError = model.PushFailed, fmt.Sprintf("gave up after %d tries: %s", p.Tries, describeErr(explain(err)))
	case p.Tries >= maxPushTries:
		// The last answer was unknown (a timeout, a 5xx, an unreadable
		// 2xx): the next look decides, or a person.
		p.LastError = fmt.Sprintf("gave up after %d tries: %s", p.Tries, describeErr(err))
		if _, serr := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now); serr != nil {
			return serr
		}
		if done, serr := s.settleUncertain(ctx, p, c); done || serr != nil {
			return serr
		}
		p.Status = model.PushFailed
	default:
		// Unknown outcome: it stays sending, and the next try looks first.
		p.LastError = describeErr(err)
		if _, serr := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now); serr != nil {
			return serr
		}
		return err // River retries with backoff
	}
	_, err = store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now)
	return err
}

// referenceLine ends every note: it names the push, so that a note whose
// POST may or may not have been taken can be found among the candidate's
// notes in Greenhouse.
func referenceLine(p *model.HarvestPush) string {
	fp := p.Fingerprint
	if len(fp) > 12 {
		fp = fp[:12]
	}
	return fmt.Sprintf("Talent Systems reference: ts-note-%d-%s", p.ID, fp)
}

// settleUncertain looks for a sending push's note among the candidate's
// notes in Greenhouse. done is true when the push was settled: found
// (pushed), cancelled by a disconnect, made uncertain because the notes
// cannot be read, or snoozed; false means the note is not there. An error
// (Greenhouse unavailable) leaves it sending for River to retry.
func (s *Service) settleUncertain(ctx context.Context, p *model.HarvestPush, c *model.Candidate) (bool, error) {
	notes, err := s.client.CandidateNotes(ctx, s.TokenSource(p.OrgID), ghCandidateID(c))
	now := s.now()
	ref := referenceLine(p)
	switch {
	case err == nil:
		for _, n := range notes {
			if strings.Contains(n.Body, ref) {
				p.Status, p.NoteID, p.PushedAt, p.LastError = model.PushPushed, n.ID, now, ""
				_, err := store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now, model.PushCancelled)
				s.log.Info("harvest note found after an uncertain try", "push", p.ID, "note", n.ID)
				return true, err
			}
		}
		return false, nil
	case ctx.Err() != nil:
		return true, ctx.Err()
	case errors.Is(err, ErrNotConnected):
		p.Status, p.LastError = model.PushCancelled, "the Greenhouse connection was disconnected"
	case errors.Is(err, ErrReconnect):
		p.Status, p.LastError = model.PushUncertain, "the Greenhouse connection needs to be reconnected; an earlier try may have posted this note: check the candidate in Greenhouse before posting it again"
	case harvest.KindOf(err) == harvest.KindRateLimit:
		return true, river.JobSnooze(max(harvest.RetryAfterOf(err), time.Second))
	case harvest.KindOf(err) == harvest.KindUnavailable && p.Tries < maxPushTries:
		return true, err
	default:
		p.Status, p.LastError = model.PushUncertain, "an earlier try may have posted this note and Greenhouse's notes could not be read ("+
			describeErr(explain(err))+"): check the candidate in Greenhouse before posting it again"
	}
	_, err = store.SaveHarvestPush(ctx, s.store.DB, p, model.PushSending, now)
	return true, err
}

func describeErr(err error) string {
	if m := apperror.Message(err); m != "" && apperror.KindOf(err) != apperror.Internal {
		return m
	}
	return err.Error()
}

// noteBody composes the note; current is false when the candidate's link
// or result is no longer the one the push was recorded for.
func (s *Service) noteBody(ctx context.Context, c *model.Candidate, p *model.HarvestPush) (string, bool, error) {
	switch p.Kind {
	case model.PushLink:
		if c.Status != model.CandidateSent || hash(string(p.Kind), c.TokenHash) != p.ContentHash {
			return "", false, nil
		}
		link := candidates.LinkOf(s.box, s.baseURL, c)
		if link == "" {
			return "", false, nil
		}
		return fmt.Sprintf("Talent Systems assessment for %s\nAssessment link: %s\nThe link expires %s.",
			c.PostingTitle, link, c.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC")), true, nil
	}
	if c.Status != model.CandidateCompleted || c.AttemptID == 0 {
		return "", false, nil
	}
	a, err := store.GetAttempt(ctx, s.store.DB, c.ID, c.AttemptID)
	if err != nil {
		return "", false, err
	}
	if hash(string(p.Kind), resultContent(a)) != p.ContentHash {
		return "", false, nil
	}
	var res scoring.Result
	if err := json.Unmarshal(a.Result, &res); err != nil {
		return "", false, fmt.Errorf("connection: result of attempt %d: %w", a.ID, err)
	}
	var b strings.Builder
	update := ""
	if prev, _ := s.previousPushed(ctx, c.OrgID, c.ID, p.ID); prev {
		update = " (updated)"
	}
	fmt.Fprintf(&b, "Talent Systems result%s for %s\nOverall score: %.1f / 100\nRecommendation: %s\n", update, c.PostingTitle, res.Overall, recommendation(string(res.Recommendation)))
	if len(res.Competencies) > 0 {
		b.WriteString("Competencies:\n")
		for _, cs := range res.Competencies {
			fmt.Fprintf(&b, "- %s: %.1f\n", cs.Name, cs.Score)
		}
	}
	fmt.Fprintf(&b, "Scorecard: %s/postings/%d/candidates/%d", s.baseURL, c.PostingID, c.ID)
	return b.String(), true, nil
}

// previousPushed reports whether a result was posted (or was being posted)
// for the candidate before the push before.
func (s *Service) previousPushed(ctx context.Context, orgID, candidateID, before int64) (bool, error) {
	pushes, err := store.CandidateHarvestPushes(ctx, s.store.DB, orgID, candidateID)
	if err != nil {
		return false, err
	}
	for _, p := range pushes {
		// An earlier result that was told, or was being told when this one
		// superseded it (its note may be in Greenhouse already): this one is
		// an update either way.
		if p.Kind == model.PushResult && p.ID < before && p.Status != model.PushCancelled && p.Status != model.PushFailed {
			return true, nil
		}
	}
	return false, nil
}

func recommendation(r string) string {
	switch r {
	case "strong_yes":
		return "Strong yes"
	case "yes":
		return "Yes"
	case "no":
		return "No"
	case "strong_no":
		return "Strong no"
	}
	return r
}

// Pushes lists a candidate's pushes for its page (newest first).
func (s *Service) Pushes(ctx context.Context, orgID, candidateID int64) ([]*model.HarvestPush, error) {
	return store.CandidateHarvestPushes(ctx, s.store.DB, orgID, candidateID)
}

// StuckAfter is how long a push may stay pending or sending before the
// staff console lists it as stuck: River rescues a job of a dead instance
// after 2 minutes, and a try that failed is retried within seconds to
// minutes; a push unchanged for longer waits on something a person should
// see (a long Retry-After, a job lost with its queue).
const StuckAfter = 15 * time.Minute

// ProblemPushes lists the pushes of every organization that need a person,
// for the staff console: failed, uncertain, and stuck ones.
func (s *Service) ProblemPushes(ctx context.Context, actor model.Actor) ([]*model.HarvestPushListing, error) {
	if actor.Role != model.RoleStaff {
		return nil, apperror.New(apperror.Forbidden, "Only Talent Systems staff see every organization's notes.")
	}
	return store.ProblemHarvestPushes(ctx, s.store.DB, s.now().Add(-StuckAfter), 100)
}

// RetryPush gives a failed push of the actor's organization a fresh set of
// tries, posts an uncertain one again (a person checked Greenhouse), or
// gives a stuck one a new job. Staff (any organization) and admins may.
// candidateID 0 (the staff console) matches the push's own candidate.
func (s *Service) RetryPush(ctx context.Context, actor model.Actor, candidateID, pushID int64) error {
	if actor.Role != model.RoleAdmin && actor.Role != model.RoleStaff {
		return apperror.New(apperror.Forbidden, "Only an admin can retry a Greenhouse note.")
	}
	return s.store.Tx(ctx, func(tx *sql.Tx) error {
		p, err := store.HarvestPush(ctx, tx, pushID)
		if err != nil {
			return err
		}
		if (candidateID != 0 && p.CandidateID != candidateID) || (candidateID == 0 && actor.Role != model.RoleStaff) ||
			(actor.Role != model.RoleStaff && p.OrgID != actor.OrgID) {
			return apperror.New(apperror.NotFound, "push not found")
		}
		now := s.now()
		from := p.Status
		switch {
		case p.Status == model.PushFailed || p.Status == model.PushUncertain:
			p.Status, p.Tries, p.LastError = model.PushPending, 0, ""
		case (p.Status == model.PushPending || p.Status == model.PushSending) && now.Sub(p.UpdatedAt) >= StuckAfter:
			// Stuck: a new job; a sending one still looks before it posts.
		default:
			return apperror.New(apperror.Conflict, "Only a failed, uncertain or stuck note can be retried; this one is %s.", p.Status)
		}
		if _, err := store.SaveHarvestPush(ctx, tx, p, from, now); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, p.OrgID, actor.UserID, "harvest.retry", fmt.Sprintf("push %d of candidate %d (was %s)", p.ID, p.CandidateID, from), now); err != nil {
			return err
		}
		return s.queue.Insert(ctx, tx, PushArgs{PushID: p.ID})
	})
}
