package candidates

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// The states of an assessment link, as the candidate's page shows them.
const (
	StateWelcome    = "welcome"     // not started yet
	StateInProgress = "in_progress" // started, time left
	StateCompleted  = "completed"   // submitted (by the candidate or the clock)
	StateExpired    = "expired"     // the link lapsed before completion
	StateClosed     = "closed"      // the posting closed before the candidate started
	StateReset      = "reset"       // the link was replaced by a new one
	StateErased     = "erased"      // the candidate's data was erased
)

// Session is everything the candidate's pages need for one link.
type Session struct {
	State     string
	Candidate *model.Candidate
	Org       *model.Org
	// Contact is the email address a candidate can ask for help ("" when
	// there is no one to name).
	Contact string
	// Doc is the posting as the candidate takes it: the version their attempt
	// runs on, or the current one before they start. It is shared between
	// requests: read it, never modify it.
	Doc       *posting.Posting
	Attempt   *model.Attempt
	Questions []posting.Question // in the order asked, enabled sections only
	// Answers are the attempt's answers by question key; nil when the
	// session was opened by OpenToSave (ReadAnswers reads them then).
	Answers map[string]*model.Answer
	// TimeUpSection is the section whose time ran out while this link was
	// being opened, moving the candidate on to the next one ("" otherwise):
	// the page says so.
	TimeUpSection posting.Section
	// Token is the link's token as opened, for the page's own addresses.
	Token string
}

// Open looks up a link. An unknown token is NotFound; a replaced or erased
// one gives a Session with only State set. Opening a link whose time is up
// submits the attempt as it stands.
func (s *Service) Open(ctx context.Context, token string) (*Session, error) {
	ss, err := s.open(ctx, token, true)
	if ss != nil {
		ss.Token = token
	}
	return ss, err
}

// OpenToSave is Open without reading the answers (Answers is nil): one
// query instead of two for a request that saves an answer, which checks
// the session it read and then writes (SaveInSession). A page shown from
// such a session reads them first with ReadAnswers.
func (s *Service) OpenToSave(ctx context.Context, token string) (*Session, error) {
	ss, err := s.open(ctx, token, false)
	if ss != nil {
		ss.Token = token
	}
	return ss, err
}

// ReadAnswers reads the answers of a session opened by OpenToSave; it does
// nothing when they were read already or there is no attempt.
func (s *Service) ReadAnswers(ctx context.Context, ss *Session) error {
	if ss.Answers != nil || ss.Attempt == nil {
		return nil
	}
	answers, err := store.AttemptAnswers(ctx, s.Store.DB, ss.Attempt.ID)
	if err != nil {
		return err
	}
	ss.Answers = answers
	return nil
}

func (s *Service) open(ctx context.Context, token string, answers bool) (*Session, error) {
	hash := auth.Hash(token)
	ss, err := s.readSession(ctx, s.Store.DB, hash, answers)
	if apperror.KindOf(err) == apperror.NotFound {
		ss, rerr := s.retiredSession(ctx, hash)
		if apperror.KindOf(rerr) == apperror.NotFound {
			return nil, apperror.New(apperror.NotFound, "This assessment link is not valid. Check that you copied the whole link from your invitation.")
		}
		return ss, rerr
	}
	if err != nil || ss.Candidate.Status != model.CandidateStarted || !overdue(ss, s.Now()) {
		return ss, err
	}
	// The time is up: submit (or move on a section) in a write transaction,
	// taken only then, and show the result.
	var before posting.Section
	if ss.Attempt != nil {
		before = posting.Section(ss.Attempt.Section)
	}
	if err := s.enforceDeadline(ctx, ss.Candidate); err != nil {
		return nil, err
	}
	if ss, err = s.readSession(ctx, s.Store.DB, hash, answers); err != nil {
		return nil, err
	}
	if ss.State == StateInProgress && PerSection(ss.Doc) && before != "" && posting.Section(ss.Attempt.Section) != before {
		ss.TimeUpSection = before
	}
	return ss, nil
}

// overdue reports whether a started attempt must be submitted, or moved on
// to its next section, now: its time is up, or it has no time limit and its
// link has lapsed.
func overdue(ss *Session, now time.Time) bool {
	d := ss.Deadline()
	if d.IsZero() {
		return !now.Before(ss.Candidate.ExpiresAt)
	}
	return !now.Before(d)
}

// sessionByToken reads the session of the link whose token hash is hash:
// one query, and one more for the answers once started.
func (s *Service) sessionByToken(ctx context.Context, q store.Querier, hash string) (*Session, error) {
	return s.readSession(ctx, q, hash, true)
}

// readSession is sessionByToken, without the answers unless answers.
func (s *Service) readSession(ctx context.Context, q store.Querier, hash string, answers bool) (*Session, error) {
	cs, err := store.CandidateSessionByToken(ctx, q, hash)
	if err != nil {
		return nil, err
	}
	return s.build(ctx, q, cs, answers)
}

// session reads the session of candidate c (by id, in q).
func (s *Service) session(ctx context.Context, q store.Querier, c *model.Candidate) (*Session, error) {
	cs, err := store.CandidateSession(ctx, q, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	return s.build(ctx, q, cs, true)
}

// build completes a session read by the store: the document, the answers
// (unless !answers) and the state.
func (s *Service) build(ctx context.Context, q store.Querier, cs *model.CandidateSession, answers bool) (*Session, error) {
	c := cs.Candidate
	if c.AttemptID != 0 && cs.Attempt == nil {
		return nil, fmt.Errorf("candidates: attempt %d of candidate %d is missing", c.AttemptID, c.ID)
	}
	ss := &Session{Candidate: c, Org: cs.Org, Contact: cs.Contact, Attempt: cs.Attempt}
	var err error
	if len(cs.Document) == 0 {
		return nil, fmt.Errorf("candidates: the posting document of candidate %d is missing", c.ID)
	}
	if ss.Doc, err = decodeDoc(cs.Document); err != nil {
		return nil, err
	}
	if ss.Attempt != nil && answers {
		if ss.Answers, err = store.AttemptAnswers(ctx, q, ss.Attempt.ID); err != nil {
			return nil, err
		}
	}
	ss.Questions = askedQuestions(ss.Doc)
	now := s.Now()
	switch {
	case c.Status == model.CandidateCompleted:
		ss.State = StateCompleted
	case c.Status == model.CandidateStarted && ss.Attempt != nil && ss.Deadline().After(now):
		// An attempt under way runs to its time limit, even past the
		// link's expiry: starting late must not cut the candidate's time.
		ss.State = StateInProgress
	case !now.Before(c.ExpiresAt):
		ss.State = StateExpired
	case c.Status == model.CandidateStarted:
		ss.State = StateInProgress
	case cs.PostingStatus != model.PostingActive:
		ss.State = StateClosed
	default:
		ss.State = StateWelcome
	}
	return ss, nil
}

// askedQuestions lists the questions of the enabled sections in the order asked.
func askedQuestions(doc *posting.Posting) []posting.Question {
	var out []posting.Question
	for _, sec := range doc.AssessmentType.Sections() {
		out = append(out, doc.QuestionsIn(sec)...)
	}
	return out
}

// PerSection reports whether the assessment has a time limit per section.
func PerSection(doc *posting.Posting) bool {
	return doc.TimeLimit != nil && doc.TimeLimit.TotalMinutes == 0
}

// Editable reports whether the question at index i may be answered now: in a
// per-section assessment only the current section's questions are open.
func (ss *Session) Editable(i int) bool {
	if ss.State != StateInProgress || i < 0 || i >= len(ss.Questions) {
		return false
	}
	return !PerSection(ss.Doc) || string(ss.Questions[i].Section) == ss.Attempt.Section
}

// Deadline is when the current time limit ends (zero without one).
func (ss *Session) Deadline() time.Time {
	if ss.Attempt == nil {
		return time.Time{}
	}
	if PerSection(ss.Doc) {
		return ss.Attempt.SectionDeadlineAt
	}
	return ss.Attempt.DeadlineAt
}

// Start begins the attempt on the posting's newest version, once the
// candidate consented to the processing of their answers.
func (s *Service) Start(ctx context.Context, token string, consent bool) error {
	if !consent {
		return apperror.Field("consent", "Please confirm that you agree, to start.")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		ss, err := s.sessionByToken(ctx, tx, auth.Hash(token))
		if err != nil {
			return err
		}
		c := ss.Candidate
		if ss.State == StateInProgress {
			return nil // a second tab, or a double click
		}
		if ss.State != StateWelcome {
			return apperror.New(apperror.Conflict, "This assessment cannot be started: it is %s.", ss.State)
		}
		sp, err := store.OrgPosting(ctx, tx, c.OrgID, c.PostingID)
		if err != nil {
			return err
		}
		now := s.Now()
		a := &model.Attempt{CandidateID: c.ID, PostingVersion: sp.Version, Status: model.AttemptInProgress, StartedAt: now}
		if tl := ss.Doc.TimeLimit; tl != nil && tl.TotalMinutes > 0 {
			a.DeadlineAt = now.Add(extra(time.Duration(tl.TotalMinutes)*time.Minute, c.ExtraTimePct))
		}
		if PerSection(ss.Doc) {
			first := ss.Doc.AssessmentType.Sections()[0]
			a.Section = string(first)
			a.SectionDeadlineAt = now.Add(extra(time.Duration(sectionMinutes(ss.Doc, first))*time.Minute, c.ExtraTimePct))
		}
		if err := store.CreateAttempt(ctx, tx, a); err != nil {
			return err
		}
		c.AttemptID, c.Status, c.StartedAt = a.ID, model.CandidateStarted, now
		if err := store.UpdateCandidate(ctx, tx, c, now); err != nil {
			return err
		}
		return s.onResult(ctx, tx, c)
	})
}

// inProgress loads a link's session in tx and checks that answers are accepted.
func (s *Service) inProgress(ctx context.Context, tx *sql.Tx, token string) (*Session, error) {
	ss, err := s.sessionByToken(ctx, tx, auth.Hash(token))
	if err != nil {
		return nil, err
	}
	if err := s.accepting(ss); err != nil {
		return nil, err
	}
	return ss, nil
}

// accepting checks that a session takes answers now.
func (s *Service) accepting(ss *Session) error {
	if ss.State != StateInProgress {
		return apperror.New(apperror.Conflict, "This assessment is %s: no more answers are accepted.", label(ss.State))
	}
	if d := ss.Deadline(); !d.IsZero() && !s.Now().Before(d) {
		return apperror.New(apperror.Conflict, "The time is up: no more answers are accepted.")
	}
	return nil
}

func label(state string) string {
	if state == StateInProgress {
		return "in progress"
	}
	return state
}

// Viewed reports whether View(i) would change nothing: question i was
// viewed before (its clock runs) and is the attempt's current position. A
// page shown again then writes nothing.
func (ss *Session) Viewed(i int) bool {
	if ss.Attempt == nil || i < 0 || i >= len(ss.Questions) || ss.Attempt.Position != i {
		return false
	}
	a := ss.Answers[ss.Questions[i].Key]
	return a != nil && !a.ViewedAt.IsZero()
}

// View records that the candidate is looking at question i (its clock starts).
func (s *Service) View(ctx context.Context, token string, i int) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		ss, err := s.inProgress(ctx, tx, token)
		if err != nil || !ss.Editable(i) {
			return err
		}
		if err := store.MarkViewed(ctx, tx, ss.Attempt.ID, ss.Questions[i].Key, s.Now()); err != nil {
			return err
		}
		a := ss.Attempt
		a.Position = i
		_, err = store.UpdateAttempt(ctx, tx, a, model.AttemptInProgress)
		return err
	})
}

// File is a file attached to a task answer.
type File struct {
	Name, ContentType string
	Data              []byte
}

// maxSpan caps the time one save adds to a question's time spent.
const maxSpan = 2 * time.Hour

// Save stores the answer to question i, checking it against the question.
func (s *Service) Save(ctx context.Context, token string, i int, ans scoring.Answer, file *File) error {
	return s.SaveWithActivity(ctx, token, i, ans, file, nil)
}

// SaveWithActivity is Save that also records what the page script saw
// since its last save (act, nil without JavaScript): its pastes and
// focus-lost spells are added to those recorded for the answer.
func (s *Service) SaveWithActivity(ctx context.Context, token string, i int, ans scoring.Answer, file *File, act *scoring.Activity) error {
	ss, err := s.Open(ctx, token)
	if err != nil {
		return err
	}
	if ss.Candidate == nil { // a replaced or erased link
		return apperror.New(apperror.NotFound, "This assessment link is no longer valid.")
	}
	return s.SaveInSession(ctx, ss, token, i, ans, file, act)
}

// SaveInSession is SaveWithActivity for a link already opened (ss, as Open
// returned it for token). Everything is checked on ss first, outside any
// transaction; the write is then one statement that checks again what may
// have changed since (the attempt still in progress, its time, its open
// section), so a save never lands after the deadline. Answers with files,
// and tasks (which keep a file attached earlier), take the longer way: the
// whole session read again in the write transaction.
func (s *Service) SaveInSession(ctx context.Context, ss *Session, token string, i int, ans scoring.Answer, file *File, act *scoring.Activity) error {
	if err := s.accepting(ss); err != nil {
		return err
	}
	if !ss.Editable(i) {
		return apperror.New(apperror.Conflict, "This question is in a section that is closed.")
	}
	q := ss.Questions[i]
	if file != nil || q.Kind == posting.KindTask {
		return s.saveInTx(ctx, token, i, ans, file, act)
	}
	if err := checkAnswer(&q, &ans, nil); err != nil {
		return err
	}
	raw, err := json.Marshal(ans)
	if err != nil {
		return err
	}
	guard := store.AnswerGuard{TokenHash: ss.Candidate.TokenHash, PerSection: PerSection(ss.Doc)}
	if guard.PerSection {
		guard.Section = string(q.Section)
	}
	saved := false
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if saved, err = store.SaveAnswerGuarded(ctx, tx, ss.Attempt.ID, q.Key, raw, s.Now(), maxSpan, guard); err != nil || !saved || act == nil {
			return err
		}
		return s.addActivity(ctx, tx, ss.Attempt.ID, q.Key, *act)
	})
	if err != nil || saved {
		return err
	}
	// Something changed since ss was read: say what.
	now, err := s.Open(ctx, token)
	if err != nil {
		return err
	}
	if err := s.accepting(now); err != nil {
		return err
	}
	if !now.Editable(i) {
		return apperror.New(apperror.Conflict, "This question is in a section that is closed.")
	}
	return apperror.New(apperror.Conflict, "The assessment changed while the answer was sent: it was not saved. Reload the page and try again.")
}

// saveInTx saves an answer with the whole session read again in the write
// transaction.
func (s *Service) saveInTx(ctx context.Context, token string, i int, ans scoring.Answer, file *File, act *scoring.Activity) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		ss, err := s.inProgress(ctx, tx, token)
		if err != nil {
			return err
		}
		if !ss.Editable(i) {
			return apperror.New(apperror.Conflict, "This question is in a section that is closed.")
		}
		q := ss.Questions[i]
		if err := checkAnswer(&q, &ans, file); err != nil {
			return err
		}
		if file != nil {
			if err := store.SaveUpload(ctx, tx, &model.Upload{AttemptID: ss.Attempt.ID, QuestionKey: q.Key, FileName: file.Name,
				ContentType: file.ContentType, Size: int64(len(file.Data)), Data: file.Data, CreatedAt: s.Now()}); err != nil {
				return err
			}
		} else if prev := ss.Answers[q.Key]; prev != nil && len(prev.Answer) > 0 {
			var old scoring.Answer
			if json.Unmarshal(prev.Answer, &old) == nil {
				ans.FileName = old.FileName // keep the file attached earlier
			}
		}
		raw, err := json.Marshal(ans)
		if err != nil {
			return err
		}
		if err := store.SaveAnswer(ctx, tx, ss.Attempt.ID, q.Key, raw, s.Now(), maxSpan); err != nil {
			return err
		}
		if act == nil {
			return nil
		}
		return s.addActivity(ctx, tx, ss.Attempt.ID, q.Key, *act)
	})
}

// checkAnswer enforces a question's limits on an answer.
func checkAnswer(q *posting.Question, a *scoring.Answer, f *File) error {
	if f != nil && q.Kind != posting.KindTask {
		return apperror.Field("file", "This question does not take a file.")
	}
	switch q.Kind {
	case posting.KindFreeText:
		if n := len([]rune(a.Text)); q.MaxChars > 0 && n > q.MaxChars {
			return apperror.Field("answer", "The answer has %d characters; at most %d are allowed.", n, q.MaxChars)
		}
		a.Choices, a.Number = nil, nil
	case posting.KindTask:
		limit := posting.DefaultDeliverableMaxChars
		if q.Deliverable != nil && q.Deliverable.MaxChars > 0 {
			limit = q.Deliverable.MaxChars
		}
		if n := len([]rune(a.Text)); n > limit {
			return apperror.Field("answer", "The answer has %d characters; at most %d are allowed.", n, limit)
		}
		if f != nil {
			if q.Deliverable == nil || q.Deliverable.Upload == nil {
				return apperror.Field("file", "This task does not take a file.")
			}
			u := q.Deliverable.Upload
			if len(f.Data) > u.MaxBytes {
				return apperror.New(apperror.TooLarge, "The file is %d KiB; at most %d KiB are allowed.", len(f.Data)>>10, u.MaxBytes>>10)
			}
			if len(u.Types) > 0 && !typeAllowed(u.Types, f.Name, f.ContentType) {
				return apperror.Field("file", "This kind of file is not accepted here.")
			}
			a.FileName = f.Name
		}
		a.Choices, a.Number = nil, nil
	case posting.KindMultipleChoice:
		for _, ch := range a.Choices {
			if !slices.ContainsFunc(q.Options, func(o posting.Option) bool { return o.Key == ch }) {
				return apperror.Field("answer", "Choose among the options shown.")
			}
		}
		if !q.Multiple && len(a.Choices) > 1 {
			return apperror.Field("answer", "Choose one option.")
		}
		a.Text, a.Number = "", nil
	case posting.KindNumeric:
		if a.Number != nil && (math.IsNaN(*a.Number) || math.IsInf(*a.Number, 0)) {
			return apperror.Field("answer", "Enter a number: digits only, with a point for decimals.")
		}
		a.Text, a.Choices = "", nil
	}
	return nil
}

// Submit ends the attempt and scores it, in one transaction. A second submit
// (another tab) changes nothing.
func (s *Service) Submit(ctx context.Context, token string) error {
	var pre *prescored
	if c, err := store.CandidateByTokenHash(ctx, s.Store.DB, auth.Hash(token)); err == nil {
		pre = s.prescore(ctx, c)
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		c, err := store.CandidateByTokenHash(ctx, tx, auth.Hash(token))
		if err != nil {
			return err
		}
		if c.Status == model.CandidateCompleted {
			return nil
		}
		if c.Status != model.CandidateStarted {
			return apperror.New(apperror.Conflict, "This assessment has not been started.")
		}
		return s.finish(ctx, tx, c, "candidate", pre)
	})
}

// Advance closes the current section of a per-section assessment and opens
// the next one; after the last section it submits.
func (s *Service) Advance(ctx context.Context, token string) error {
	var pre *prescored
	if c, err := store.CandidateByTokenHash(ctx, s.Store.DB, auth.Hash(token)); err == nil && c.Status == model.CandidateStarted {
		if ss, err := s.session(ctx, s.Store.DB, c); err == nil && ss.Attempt != nil && lastSection(ss) {
			pre = s.prescore(ctx, c)
		}
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		ss, err := s.inProgress(ctx, tx, token)
		if err != nil {
			return err
		}
		return s.advance(ctx, tx, ss, "candidate", pre)
	})
}

// lastSection reports whether advancing ss submits it: it has no time
// limit per section or is in its last section.
func lastSection(ss *Session) bool {
	secs := ss.Doc.AssessmentType.Sections()
	i := slices.Index(secs, posting.Section(ss.Attempt.Section))
	return !PerSection(ss.Doc) || i < 0 || i == len(secs)-1
}

func (s *Service) advance(ctx context.Context, tx *sql.Tx, ss *Session, reason string, pre *prescored) error {
	secs := ss.Doc.AssessmentType.Sections()
	i := slices.Index(secs, posting.Section(ss.Attempt.Section))
	if lastSection(ss) {
		return s.finish(ctx, tx, ss.Candidate, reason, pre)
	}
	a := ss.Attempt
	next := secs[i+1]
	a.Section = string(next)
	a.SectionDeadlineAt = s.Now().Add(extra(time.Duration(sectionMinutes(ss.Doc, next))*time.Minute, ss.Candidate.ExtraTimePct))
	for j, q := range ss.Questions {
		if q.Section == next {
			a.Position = j
			break
		}
	}
	_, err := store.UpdateAttempt(ctx, tx, a, model.AttemptInProgress)
	return err
}

// enforceDeadline submits (or moves to the next section) an attempt whose
// time is up, so no answer is accepted after the deadline and the result
// exists even if the candidate never comes back.
func (s *Service) enforceDeadline(ctx context.Context, c *model.Candidate) error {
	// Score first, outside the transaction, when the time up submits the
	// attempt (see prescore); a section that merely closes needs no score.
	var pre *prescored
	if ss, err := s.session(ctx, s.Store.DB, c); err == nil && c.Status == model.CandidateStarted && ss.Attempt != nil &&
		overdue(ss, s.Now()) && (lastSection(ss) || !s.Now().Before(c.ExpiresAt)) {
		pre = s.prescore(ctx, c)
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		c, err := store.OrgCandidate(ctx, tx, c.OrgID, c.ID)
		if err != nil || c.Status != model.CandidateStarted {
			return err
		}
		ss, err := s.session(ctx, tx, c)
		if err != nil {
			return err
		}
		now := s.Now()
		// Loop on the stored status, not the page state: an attempt whose
		// time ran out and whose link has since expired must still be
		// submitted (and scored), or it would stay started for ever.
		for c.Status == model.CandidateStarted {
			if !overdue(ss, now) {
				return nil
			}
			if !now.Before(c.ExpiresAt) || !PerSection(ss.Doc) {
				// After the link's expiry no further section opens.
				return s.finish(ctx, tx, c, "time_limit", pre)
			}
			if err := s.advance(ctx, tx, ss, "time_limit", pre); err != nil {
				return err
			}
			if c, err = store.OrgCandidate(ctx, tx, c.OrgID, c.ID); err != nil {
				return err
			}
			if ss, err = s.session(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// finish submits and scores the candidate's attempt in tx, with the scores
// of pre when it scored the same answers (see prescore).
func (s *Service) finish(ctx context.Context, tx *sql.Tx, c *model.Candidate, reason string, pre *prescored) error {
	a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
	if err != nil {
		return err
	}
	doc, err := s.versionDoc(ctx, tx, c, a.PostingVersion)
	if err != nil {
		return err
	}
	stored, err := store.AttemptAnswers(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	answers := decodeAnswers(stored)
	var qs []scoring.QuestionScore
	if pre.matches(a.ID, stored) {
		qs = pre.qs
	} else {
		qs = scoring.ScoreAll(s.Scorer, doc, answers)
	}
	res := scoring.Rollup(doc, qs, nil)
	now := s.Now()
	a.Status, a.SubmittedAt, a.SubmitReason = model.AttemptSubmitted, now, reason
	if err := setResult(a, c, res); err != nil {
		return err
	}
	ok, err := store.UpdateAttempt(ctx, tx, a, model.AttemptInProgress)
	if err != nil || !ok {
		return err // !ok: another request submitted it first
	}
	// Signals and review flags of the open answers, then the result with
	// what awaits review (the recommendation held meanwhile).
	if err := s.checkAnswers(ctx, tx, c, a, doc, qs, stored, answers); err != nil {
		return err
	}
	if res, err = s.rescore(ctx, tx, c, a, doc, qs); err != nil {
		return err
	}
	c.Status, c.CompletedAt = model.CandidateCompleted, now
	if err := store.UpdateCandidate(ctx, tx, c, now); err != nil {
		return err
	}
	if err := store.Audit(ctx, tx, c.OrgID, 0, "candidate.complete", fmt.Sprintf("%d scored %.1f (%s, by %s)", c.ID, res.Overall, c.Recommendation, reason), now); err != nil {
		return err
	}
	return s.onResult(ctx, tx, c)
}

// encodeResult sets an attempt's stored result and its brief.
func encodeResult(a *model.Attempt, res scoring.Result) error {
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	brief, err := json.Marshal(res.Brief())
	if err != nil {
		return err
	}
	a.Result, a.Brief = raw, brief
	return nil
}

func setResult(a *model.Attempt, c *model.Candidate, res scoring.Result) error {
	if err := encodeResult(a, res); err != nil {
		return err
	}
	score := res.Overall
	// While open answers await review the stored recommendation is held
	// below yes (scoring.CappedRecommendation); the result keeps what the
	// score alone says.
	rec, _ := scoring.CappedRecommendation(res)
	a.Score, a.Recommendation = &score, string(rec)
	c.Score, c.Recommendation = &score, string(rec)
	return nil
}

// SubmitOverdue submits (or moves on a section of) every attempt whose time
// ran out, without waiting for the candidate to come back, and returns how
// many it handled. It also reports unstarted links that lapsed through
// OnResult (Greenhouse is told "expired"). The job queue's sweep calls it
// every minute.
func (s *Service) SubmitOverdue(ctx context.Context) (int, error) {
	// One bounded batch per sweep; the next sweep takes the rest.
	batch, err := store.OverdueCandidates(ctx, s.Store.DB, s.Now(), 500)
	if err != nil {
		return 0, err
	}
	for i, c := range batch {
		if err := s.enforceDeadline(ctx, c); err != nil {
			return i, fmt.Errorf("candidates: submit overdue %d: %w", c.ID, err)
		}
	}
	// Links that lapsed unstarted: the OnResult hook tells Greenhouse.
	expired, err := store.ExpiredUnreportedGreenhouse(ctx, s.Store.DB, s.Now(), 500)
	if err != nil || s.OnResult == nil {
		return len(batch), err
	}
	for _, c := range expired {
		err := s.Store.Tx(ctx, func(tx *sql.Tx) error { return s.OnResult(ctx, tx, c) })
		if err != nil {
			return len(batch), fmt.Errorf("candidates: report expiry of %d: %w", c.ID, err)
		}
	}
	return len(batch), nil
}
