package apptest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Seeded is one candidate SeedCandidates inserted, with everything it was
// given, so tests can compute expected figures on their own.
type Seeded struct {
	ID                              int64
	FirstName, LastName, Email      string
	Source                          model.Source
	Status                          model.CandidateStatus // effective at the seed's now
	CreatedAt, StartedAt, Completed time.Time
	ExpiresAt                       time.Time
	// Levels are the question levels by key, TimeMS the time spent by key
	// (completed candidates only).
	Levels          map[string]int
	TimeMS          map[string]int64
	Result          *scoring.Result
	GHApplicationID string
	// Outcome is the stored Greenhouse outcome (active, rejected, hired) or "".
	Outcome string
}

// seedBatch is how many candidates SeedCandidates inserts a transaction,
// with a few multi-row statements per table. The item sums are counted once
// at the end; the counters that triggers on candidates keep update a few
// rows per candidate, and PostgreSQL walks the versions one transaction left
// of a row on every update, so a transaction stays at a few thousand.
const seedBatch = 2000

// maxParams is the most parameters of one multi-row statement: SQLite
// finds each numbered parameter's name by a linear search, so binding n
// parameters takes time in n² (999 a statement: a fifth of the seeding's
// CPU); a few dozen rows a statement are as fast as more.
const maxParams = 240

// SeedCandidates inserts n candidates of posting p (of orgID, at posting
// version 1) directly in SQL, seedBatch a transaction: a tenth expired, a
// tenth invited, a tenth started and the rest completed with an answer to
// every question and levels drawn from a seeded random ability, each result
// rolled up by the scorer's Rollup. A third come from Greenhouse, and the
// completed of those have an outcome. One first name starts with "=" and one
// has a non-ASCII letter. The derived tables end as the product keeps them:
// the per-result rows (as store.WriteResultFacts writes them) with the results, the counters by their
// triggers, and the posting's item sums are recounted once at the end
// (store.RecountItemSums) instead of by store.SyncItemSums per attempt.
func SeedCandidates(t testing.TB, a *app.App, orgID int64, p *posting.Posting, n int, seed uint64, now time.Time) []*Seeded {
	t.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, 1))
	var qs []posting.Question
	for _, s := range p.AssessmentType.Sections() {
		qs = append(qs, p.QuestionsIn(s)...)
	}
	var postingID int64
	if err := a.Store.DB.QueryRowContext(ctx, `SELECT id FROM postings WHERE org_id = $1 AND title = $2 ORDER BY id DESC LIMIT 1`, orgID, p.Title).Scan(&postingID); err != nil {
		t.Fatal(err)
	}
	out := make([]*Seeded, 0, n)
	var err error
	for lo := 0; lo < n && err == nil; lo += seedBatch {
		batch := make([]*Seeded, 0, seedBatch)
		for i := lo; i < min(n, lo+seedBatch); i++ {
			batch = append(batch, seedOne(rnd, p, qs, n, i, now))
		}
		err = a.Store.Tx(ctx, func(tx *sql.Tx) error {
			return insertSeeded(ctx, tx, orgID, postingID, qs, seed, lo, batch, now)
		})
		out = append(out, batch...)
		if err == nil && a.Store.Dialect == store.Postgres {
			// Test servers may run without autovacuum: clear the dead
			// versions of the counter rows each batch leaves, or every
			// later update walks them.
			_, err = a.Store.DB.ExecContext(ctx, `VACUUM candidate_counts, score_counts, recommendation_counts, analytics_counts`)
		}
	}
	if err == nil {
		err = a.Store.Tx(ctx, func(tx *sql.Tx) error { return store.RecountItemSums(ctx, tx, postingID) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// seedOne draws candidate i of n.
func seedOne(rnd *rand.Rand, p *posting.Posting, qs []posting.Question, n, i int, now time.Time) *Seeded {
	s := &Seeded{FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i), Email: fmt.Sprintf("c%d@example.test", i), Source: model.SourceManual}
	switch i {
	case 5:
		s.FirstName = `=HYPERLINK("http://x.test")`
	case 7:
		s.FirstName = "Zoë"
	}
	s.CreatedAt = now.Add(-time.Duration(n-i) * time.Hour).Truncate(time.Second)
	s.ExpiresAt = now.Add(7 * 24 * time.Hour)
	stored := model.CandidateSent
	switch i % 10 {
	case 0:
		s.Status, s.ExpiresAt = model.CandidateExpired, now.Add(-time.Hour)
	case 1:
		s.Status = model.CandidateSent
	case 2:
		s.Status, stored = model.CandidateStarted, model.CandidateStarted
	default:
		s.Status, stored = model.CandidateCompleted, model.CandidateCompleted
	}
	if i%3 == 0 {
		s.Source, s.GHApplicationID = model.SourceGreenhouse, fmt.Sprint(100000+i)
	}
	if stored != model.CandidateSent {
		s.StartedAt = s.CreatedAt.Add(time.Duration(1+rnd.IntN(600)) * time.Minute)
	}
	if stored != model.CandidateCompleted {
		return s
	}
	s.Completed = s.StartedAt.Add(time.Duration(10+rnd.IntN(80)) * time.Minute)
	ability := rnd.NormFloat64()
	s.Levels, s.TimeMS = map[string]int{}, map[string]int64{}
	var scores []scoring.QuestionScore
	for j, q := range qs {
		z := ability + 0.8*rnd.NormFloat64()
		if j == len(qs)-1 {
			z = rnd.NormFloat64() // one question unrelated to ability
		}
		lvl := min(5, max(1, int(3.5+1.2*z)))
		s.Levels[q.Key] = lvl
		s.TimeMS[q.Key] = int64(1000 + rnd.IntN(600_000))
		scores = append(scores, scoring.QuestionScore{Key: q.Key, Answered: true, Level: lvl, OriginalLevel: lvl, Scorer: "seed",
			Evidence: []scoring.Evidence{{Item: "point " + q.Key, Weight: 1, Found: lvl >= 3, Start: -1, End: -1}}})
	}
	res := scoring.Rollup(p, scores, nil)
	s.Result = &res
	if s.Source == model.SourceGreenhouse {
		s.Outcome = []string{"active", "rejected", "hired"}[rnd.IntN(3)]
	}
	return s
}

// insertSeeded inserts one batch (candidates lo, lo+1, …) and sets their IDs.
func insertSeeded(ctx context.Context, tx *sql.Tx, orgID, postingID int64, qs []posting.Question, seed uint64, lo int, batch []*Seeded, now time.Time) error {
	micros := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UnixMicro()
	}
	var rows [][]any
	byEmail := map[string]*Seeded{}
	for k, s := range batch {
		i := lo + k
		stored := s.Status
		if stored == model.CandidateExpired {
			stored = model.CandidateSent
		}
		var ghTest, score any
		rec := ""
		if s.Source == model.SourceGreenhouse {
			ghTest = fmt.Sprintf("t%d", i)
		}
		if s.Result != nil {
			score, rec = s.Result.Overall, string(s.Result.Recommendation)
		}
		byEmail[s.Email] = s
		rows = append(rows, []any{orgID, postingID, s.FirstName, s.LastName, s.Email, s.Source, stored, auth.Hash(fmt.Sprintf("seed-%d-%d", seed, i)),
			s.ExpiresAt.UnixMicro(), score, rec, micros(s.StartedAt), micros(s.Completed), ghTest, s.GHApplicationID, "", s.CreatedAt.UnixMicro(), s.CreatedAt.UnixMicro()})
	}
	err := insertRows(ctx, tx, `INSERT INTO candidates (org_id, posting_id, first_name, last_name, email, source, status, token_hash,
	expires_at, score, recommendation, started_at, completed_at, gh_test_id, gh_application_id, gh_candidate_id, created_at, updated_at)`, rows,
		` RETURNING id, email`, func(r *sql.Rows) error {
			var id int64
			var email string
			if err := r.Scan(&id, &email); err != nil {
				return err
			}
			byEmail[email].ID = id
			return nil
		})
	if err != nil {
		return fmt.Errorf("seed candidates: %w", err)
	}
	rows = rows[:0]
	byCandidate := map[int64]*Seeded{}
	for _, s := range batch {
		if s.Result == nil {
			continue
		}
		raw, _ := json.Marshal(s.Result)
		brief, _ := json.Marshal(s.Result.Brief())
		byCandidate[s.ID] = s
		rows = append(rows, []any{s.ID, 1, "submitted", s.StartedAt.UnixMicro(), s.Completed.UnixMicro(), string(raw), s.Result.Overall, string(s.Result.Recommendation), string(brief)})
	}
	attempt := map[*Seeded]int64{}
	err = insertRows(ctx, tx, `INSERT INTO attempts (candidate_id, posting_version, status, started_at, submitted_at, result, score, recommendation, result_brief)`, rows,
		` RETURNING id, candidate_id`, func(r *sql.Rows) error {
			var id, cid int64
			if err := r.Scan(&id, &cid); err != nil {
				return err
			}
			attempt[byCandidate[cid]] = id
			return nil
		})
	if err != nil {
		return fmt.Errorf("seed attempts: %w", err)
	}
	var questions, comps, lines, answers, outcomes [][]any
	for k, s := range batch {
		aid, ok := attempt[s]
		if !ok {
			continue
		}
		var qKeys, cKeys []string
		var levels, scores []float64
		for _, x := range s.Result.Questions {
			questions = append(questions, []any{aid, x.Key, x.Level})
			qKeys, levels = append(qKeys, x.Key), append(levels, float64(x.Level))
		}
		for _, x := range s.Result.Competencies {
			comps = append(comps, []any{aid, x.Key, x.Name, x.Score})
			cKeys, scores = append(cKeys, x.Key), append(scores, x.Score)
		}
		lines = append(lines, []any{aid, store.ResultLine(qKeys, levels), store.ResultLine(cKeys, scores)})
		for _, q := range qs {
			body, _ := json.Marshal(scoring.Answer{Text: fmt.Sprintf("answer of %d to %s", lo+k, q.Key)})
			answers = append(answers, []any{aid, q.Key, string(body), s.Completed.UnixMicro(), s.Completed.UnixMicro(), s.TimeMS[q.Key]})
		}
		if s.Outcome != "" {
			outcomes = append(outcomes, []any{orgID, 100000 + lo + k, 500000 + lo + k, 1, s.Outcome, now.UnixMicro()})
		}
	}
	for _, st := range []struct {
		head string
		rows [][]any
	}{
		{`INSERT INTO result_questions (attempt_id, question_key, level)`, questions},
		{`INSERT INTO result_competencies (attempt_id, competency_key, name, score)`, comps},
		{`INSERT INTO result_lines (attempt_id, levels, scores)`, lines},
		{`INSERT INTO answers (attempt_id, question_key, answer, viewed_at, answered_at, time_spent_ms)`, answers},
		{`INSERT INTO harvest_outcomes (org_id, gh_application_id, gh_candidate_id, gh_job_id, status, fetched_at)`, outcomes},
	} {
		if err := insertRows(ctx, tx, st.head, st.rows, "", nil); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	if len(attempt) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE candidates SET attempt_id = a.id FROM attempts a
WHERE a.candidate_id = candidates.id AND candidates.posting_id = $1 AND candidates.id BETWEEN $2 AND $3`, postingID, batch[0].ID, batch[len(batch)-1].ID); err != nil {
			return fmt.Errorf("seed: current attempts: %w", err)
		}
	}
	return nil
}

// insertRows inserts rows with head (an INSERT up to its column list) in
// multi-row statements of at most maxParams parameters, and scans what tail
// (a RETURNING clause, or "") returns with scan.
func insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any, tail string, scan func(*sql.Rows) error) error {
	if len(rows) == 0 {
		return nil
	}
	per := maxParams / len(rows[0])
	for lo := 0; lo < len(rows); lo += per {
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		var args []any
		for k, r := range rows[lo:min(len(rows), lo+per)] {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteString(")")
		}
		b.WriteString(tail)
		if scan == nil {
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		rs, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := rs.Close(); err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return err
		}
	}
	return nil
}
