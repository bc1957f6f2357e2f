package candidates

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Review of open answers (docs/scoring.md): at submission every open answer
// gets its integrity signals and, by the posting's review mode, a flag that
// a person must review it. Until every flagged answer has its reviews, the
// result is provisional: its recommendation is held below yes and
// Greenhouse is told the assessment is still in progress.

// maxCompared caps how many other candidates' answers the duplicate signal
// compares an answer with.
const maxCompared = 500

// isOpen reports whether a question kind is scored by suggestion.
func isOpen(k posting.Kind) bool { return k == posting.KindFreeText || k == posting.KindTask }

// checkAnswers computes and stores the signals and review flags of an
// attempt's open answers at submission.
func (s *Service) checkAnswers(ctx context.Context, tx *sql.Tx, c *model.Candidate, a *model.Attempt, doc *posting.Posting,
	qs []scoring.QuestionScore, stored map[string]*model.Answer, answers map[string]scoring.Answer) error {
	rs, err := store.PostingReviewSettings(ctx, tx, c.PostingID)
	if err != nil {
		return err
	}
	acts, err := store.AttemptActivity(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	for _, qsc := range qs {
		if !isOpen(qsc.Kind) {
			continue
		}
		q := questionOf(doc, qsc.Key)
		if q == nil {
			continue
		}
		sigs, err := s.signals(ctx, tx, c, a, doc, q, answers[q.Key], stored[q.Key], acts[q.Key])
		if err != nil {
			return err
		}
		raised := slices.ContainsFunc(sigs, func(g scoring.Signal) bool { return g.Status == scoring.SignalRaised })
		need := false
		switch rs.Mode {
		case model.ReviewAlways:
			need = qsc.Answered
		case model.ReviewFlagged:
			need = qsc.Answered && (qsc.Confidence == scoring.ConfidenceLow || raised)
		}
		for i := range sigs { // JSON has no infinity
			if math.IsInf(sigs[i].Value, 0) || math.IsNaN(sigs[i].Value) {
				sigs[i].Value = 0
			}
		}
		raw, err := json.Marshal(sigs)
		if err != nil {
			return err
		}
		if err := store.SaveAnswerCheck(ctx, tx, &model.AnswerCheck{AttemptID: a.ID, QuestionKey: q.Key, Signals: raw,
			NeedsReview: need, Reviewers: rs.Reviewers}); err != nil {
			return err
		}
	}
	return nil
}

// signals computes the integrity signals of one open answer. The time spent
// is the server's measure (so the speed signal works without JavaScript);
// pastes and focus come from the page script and are unknown without it.
func (s *Service) signals(ctx context.Context, tx *sql.Tx, c *model.Candidate, a *model.Attempt, doc *posting.Posting,
	q *posting.Question, ans scoring.Answer, sa *model.Answer, rawAct []byte) ([]scoring.Signal, error) {
	var act scoring.Activity
	if len(rawAct) > 0 && json.Unmarshal(rawAct, &act) == nil {
		act.Recorded = true
	}
	// No measured time (an answer saved as the question opened) is
	// unknown rather than "instant".
	var timed scoring.Activity
	if sa != nil && sa.TimeSpentMS > 0 {
		timed = scoring.Activity{Recorded: true, Seconds: float64(sa.TimeSpentMS) / 1000}
	}
	act.Seconds = timed.Seconds
	chars := scoring.AnswerChars(ans.Text)
	others := map[string]string{}
	if strings.TrimSpace(ans.Text) != "" {
		raw, err := store.OtherAnswers(ctx, tx, c.OrgID, c.PostingID, a.ID, q.Key, maxCompared)
		if err != nil {
			return nil, err
		}
		for id, r := range raw {
			var o scoring.Answer
			if json.Unmarshal(r, &o) == nil && o.Text != "" {
				others["candidate "+strconv.FormatInt(id, 10)] = o.Text
			}
		}
	}
	return []scoring.Signal{
		scoring.SpeedSignal(chars, timed),
		scoring.PasteSignal(chars, act),
		scoring.FocusSignal(act),
		scoring.DuplicateSignal(ans.Text, scoring.PromptOf(q), others),
		scoring.DensitySignal(doc, q, ans.Text),
	}, nil
}

// rescore rolls up an attempt's question scores with the overrides and the
// completed reviews, marks what still awaits review, and stores the result
// on the attempt and candidate (the recommendation held while reviews are
// pending). It does not write the candidate row or call OnResult.
func (s *Service) rescore(ctx context.Context, tx *sql.Tx, c *model.Candidate, a *model.Attempt, doc *posting.Posting, qs []scoring.QuestionScore) (scoring.Result, error) {
	history, err := store.AttemptOverrides(ctx, tx, a.ID)
	if err != nil {
		return scoring.Result{}, err
	}
	overrides := map[string]scoring.Override{}
	for _, h := range history { // oldest first: the newest wins
		overrides[h.QuestionKey] = scoring.Override{Level: h.Level, Note: h.Note, By: h.UserName, At: h.CreatedAt}
	}
	checks, err := store.AttemptChecks(ctx, tx, a.ID)
	if err != nil {
		return scoring.Result{}, err
	}
	reviews, err := store.AttemptReviews(ctx, tx, a.ID)
	if err != nil {
		return scoring.Result{}, err
	}
	byKey := map[string][]*model.Review{}
	for _, r := range reviews {
		byKey[r.QuestionKey] = append(byKey[r.QuestionKey], r)
	}
	var pending []string
	for _, q := range qs {
		k := q.Key
		ck := checks[k]
		if ck == nil || !ck.NeedsReview {
			continue
		}
		if _, manual := overrides[k]; manual {
			continue // a recruiter's override is a review
		}
		rv := byKey[k]
		if len(rv) < ck.Reviewers {
			pending = append(pending, k)
			continue
		}
		levels, names := make([]int, len(rv)), make([]string, len(rv))
		for i, r := range rv {
			levels[i], names[i] = r.Level, r.UserName
		}
		level := scoring.ReviewLevel(levels)
		note := fmt.Sprintf("Reviewed: level %d", level)
		if len(rv) > 1 {
			note = fmt.Sprintf("Reviewed: mean of %s is level %d", joinInts(levels), level)
		}
		overrides[k] = scoring.Override{Level: level, Note: note, By: strings.Join(names, ", "), At: rv[len(rv)-1].CreatedAt}
	}
	res := scoring.Rollup(doc, qs, overrides)
	if len(checks) > 0 { // answers checked at submission: the checks decide what awaits review
		res.NeedsReview, res.PendingReview = len(pending) > 0, pending
	}
	if err := setResult(a, c, res); err != nil {
		return res, err
	}
	_, err = store.UpdateAttempt(ctx, tx, a, model.AttemptSubmitted)
	return res, err
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// SubmitReview records the actor's level for an open answer of candidate id
// that awaits review, recomputes the result (the mean of the reviewers'
// levels, rounded half up, once all are in), audits it and reports onward.
// blind records that the reviewer had the candidate's name hidden.
func (s *Service) SubmitReview(ctx context.Context, actor model.Actor, id int64, questionKey string, level int, note string, blind bool) error {
	note = strings.TrimSpace(note)
	if level < scoring.MinLevel || level > scoring.MaxLevel {
		return apperror.Field("level", "choose a level from 1 to 5")
	}
	if len(note) > 2000 {
		return apperror.Field("note", "keep the note under 2000 characters")
	}
	return s.change(ctx, actor, id, "score.review", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		if c.Status != model.CandidateCompleted || c.AttemptID == 0 {
			return "", apperror.New(apperror.Conflict, "Only a completed assessment can be reviewed.")
		}
		a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
		if err != nil {
			return "", err
		}
		checks, err := store.AttemptChecks(ctx, tx, a.ID)
		if err != nil {
			return "", err
		}
		ck := checks[questionKey]
		if ck == nil || !ck.NeedsReview {
			return "", apperror.New(apperror.NotFound, "This answer does not await review.")
		}
		all, err := store.AttemptReviews(ctx, tx, a.ID)
		if err != nil {
			return "", err
		}
		n := 0
		for _, r := range all {
			if r.QuestionKey == questionKey {
				n++
			}
		}
		if n >= ck.Reviewers {
			return "", apperror.New(apperror.Conflict, "This answer already has all its reviews.")
		}
		r := &model.Review{AttemptID: a.ID, QuestionKey: questionKey, UserID: actor.UserID, UserName: actor.Name,
			Level: level, Note: note, Blind: blind, CreatedAt: s.Now()}
		if err := store.CreateReview(ctx, tx, r); err != nil {
			return "", err
		}
		var prev scoring.Result
		if err := json.Unmarshal(a.Result, &prev); err != nil {
			return "", fmt.Errorf("candidates: stored result of attempt %d: %w", a.ID, err)
		}
		doc, err := s.versionDoc(ctx, tx, c, a.PostingVersion)
		if err != nil {
			return "", err
		}
		res, err := s.rescore(ctx, tx, c, a, doc, prev.Questions)
		if err != nil {
			return "", err
		}
		mode := ""
		if blind {
			mode = " blind"
		}
		detail := fmt.Sprintf("question %s reviewed%s at level %d (review %d of %d); overall now %.1f (%s)", questionKey, mode, level, n+1, ck.Reviewers, res.Overall, c.Recommendation)
		return detail, s.onResult(ctx, tx, c)
	})
}

// ReviewSettings returns a posting's review settings.
func (s *Service) ReviewSettings(ctx context.Context, actor model.Actor, postingID int64) (model.ReviewSettings, error) {
	if _, err := store.OrgPosting(ctx, s.Store.DB, actor.OrgID, postingID); err != nil {
		return model.ReviewSettings{}, err
	}
	return store.PostingReviewSettings(ctx, s.Store.DB, postingID)
}

// SetReviewSettings changes a posting's review settings; they apply to
// assessments submitted afterwards.
func (s *Service) SetReviewSettings(ctx context.Context, actor model.Actor, postingID int64, rs model.ReviewSettings) error {
	if !rs.Mode.Valid() {
		return apperror.Field("review_mode", "choose when open answers need review")
	}
	if rs.Reviewers < 1 || rs.Reviewers > model.MaxReviewers {
		return apperror.Field("reviewers", "choose 1 to 5 reviewers")
	}
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := store.OrgPosting(ctx, tx, actor.OrgID, postingID); err != nil {
			return err
		}
		if err := store.SetPostingReviewSettings(ctx, tx, postingID, rs); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "posting.review_settings",
			fmt.Sprintf("%d review %s by %d", postingID, rs.Mode, rs.Reviewers), s.Now())
	})
}

// Provisional reports whether the actor's organization sends Greenhouse the
// provisional result while reviews are pending.
func (s *Service) Provisional(ctx context.Context, actor model.Actor) (bool, error) {
	return store.OrgProvisional(ctx, s.Store.DB, actor.OrgID)
}

// SetProvisional changes the organization's provisional-result option.
func (s *Service) SetProvisional(ctx context.Context, actor model.Actor, on bool) error {
	return s.Store.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.SetOrgProvisional(ctx, tx, actor.OrgID, on); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.OrgID, actor.UserID, "org.review_provisional", strconv.FormatBool(on), s.Now())
	})
}

// ReviewQueue lists what awaits review in the actor's organization.
func (s *Service) ReviewQueue(ctx context.Context, actor model.Actor) ([]*model.ReviewTask, error) {
	return store.ReviewQueue(ctx, s.Store.DB, actor.OrgID, actor.UserID)
}

// Checks returns the signals and review flags of attempt a's open answers.
func (s *Service) Checks(ctx context.Context, a *model.Attempt) (map[string]*model.AnswerCheck, error) {
	return store.AttemptChecks(ctx, s.Store.DB, a.ID)
}

// Reviews returns attempt a's reviews, oldest first.
func (s *Service) Reviews(ctx context.Context, a *model.Attempt) ([]*model.Review, error) {
	return store.AttemptReviews(ctx, s.Store.DB, a.ID)
}

// DecodeSignals reads a check's stored signals.
func DecodeSignals(ck *model.AnswerCheck) []scoring.Signal {
	var out []scoring.Signal
	if ck != nil && len(ck.Signals) > 0 {
		_ = json.Unmarshal(ck.Signals, &out)
	}
	return out
}

// Agreement is how far a posting's reviewers agree.
type Agreement struct {
	// Answers is how many answers had two or more reviews.
	Answers int
	// Raters is the number of reviews per answer the figure uses.
	Raters int
	// Method is "weighted kappa" (two reviewers, quadratic weights) or
	// "ICC(2,1)" (three or more); empty when there is too little data.
	Method string
	// Value is the figure; meaningful only when Method is set and Defined.
	Value   float64
	Defined bool
	// Disagreements counts answers whose levels differ by 2 or more.
	Disagreements int
}

// Agreement computes the agreement between reviewers on a posting's
// reviewed answers: Cohen's weighted kappa when answers have two reviews,
// ICC(2,1) when they have more (answers with the most common number of
// reviews, first reviews first).
func (s *Service) Agreement(ctx context.Context, actor model.Actor, postingID int64) (Agreement, error) {
	rv, err := store.PostingReviews(ctx, s.Store.DB, actor.OrgID, postingID)
	if err != nil {
		return Agreement{}, err
	}
	return agreementOf(rv), nil
}

func agreementOf(rv []*model.Review) Agreement {
	type item struct {
		attempt int64
		key     string
	}
	var order []item
	levels := map[item][]int{}
	for _, r := range rv {
		it := item{r.AttemptID, r.QuestionKey}
		if _, ok := levels[it]; !ok {
			order = append(order, it)
		}
		levels[it] = append(levels[it], r.Level)
	}
	var ag Agreement
	count := map[int]int{}
	for _, it := range order {
		l := levels[it]
		if len(l) < 2 {
			continue
		}
		ag.Answers++
		count[len(l)]++
		if scoring.Disagreement(l) {
			ag.Disagreements++
		}
	}
	for k, n := range count {
		if n > count[ag.Raters] || (n == count[ag.Raters] && k > ag.Raters) {
			ag.Raters = k
		}
	}
	if ag.Raters == 0 {
		return ag
	}
	var value float64
	if ag.Raters == 2 {
		var a, b []int
		for _, it := range order {
			if l := levels[it]; len(l) == 2 {
				a, b = append(a, l[0]), append(b, l[1])
			}
		}
		ag.Method, value = "weighted kappa", scoring.WeightedKappa(a, b)
	} else {
		var rows [][]float64
		for _, it := range order {
			if l := levels[it]; len(l) == ag.Raters {
				row := make([]float64, len(l))
				for i, x := range l {
					row[i] = float64(x)
				}
				rows = append(rows, row)
			}
		}
		ag.Method, value = "ICC(2,1)", scoring.ICC21(rows)
	}
	ag.Value, ag.Defined = value, value == value // NaN: undefined
	return ag
}

// questionOf returns the question of doc with key k, or nil.
func questionOf(doc *posting.Posting, k string) *posting.Question {
	for i := range doc.Questions {
		if doc.Questions[i].Key == k {
			return &doc.Questions[i]
		}
	}
	return nil
}

// Limits on what one save may add to an answer's recorded activity, so a
// script cannot grow the row without bound.
const (
	maxPastes    = 200
	maxFocusLost = 200
)

// addActivity merges a save's recorded pastes and focus-lost spells into
// those stored for the answer.
func (s *Service) addActivity(ctx context.Context, tx *sql.Tx, attemptID int64, key string, act scoring.Activity) error {
	acts, err := store.AttemptActivity(ctx, tx, attemptID)
	if err != nil {
		return err
	}
	var cur scoring.Activity
	if raw := acts[key]; len(raw) > 0 {
		_ = json.Unmarshal(raw, &cur)
	}
	cur.Recorded = true
	// At the cap, further entries are added to the last one, so the totals
	// the signals judge stay right (many small pastes cannot push a large
	// one out).
	for _, p := range act.Pastes {
		switch p = min(p, 1_000_000); {
		case p <= 0:
		case len(cur.Pastes) < maxPastes:
			cur.Pastes = append(cur.Pastes, p)
		default:
			cur.Pastes[len(cur.Pastes)-1] = min(cur.Pastes[len(cur.Pastes)-1]+p, 1_000_000_000)
		}
	}
	for _, f := range act.FocusLost {
		switch f = min(f, 86400); {
		case !(f > 0):
		case len(cur.FocusLost) < maxFocusLost:
			cur.FocusLost = append(cur.FocusLost, f)
		default:
			cur.FocusLost[len(cur.FocusLost)-1] = min(cur.FocusLost[len(cur.FocusLost)-1]+f, 30*86400)
		}
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	return store.SaveActivity(ctx, tx, attemptID, key, raw)
}
