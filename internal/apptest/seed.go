package apptest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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

// seedBatch is how many candidates SeedCandidates inserts a transaction.
// Each completed candidate updates the same few kept rows of its posting
// (counters, item sums), and PostgreSQL keeps every version of a row until
// the transaction ends, so each update walks a chain as long as the updates
// before it in the transaction: 2 000 a transaction made seeding 100 000
// take well over 13 minutes once the item sums were kept.
const seedBatch = 200

// SeedCandidates inserts n candidates of posting p (of orgID, at posting
// version 1) directly in SQL, seedBatch a transaction: a tenth expired, a tenth
// invited, a tenth started and the rest completed with levels drawn from a
// seeded random ability, each result rolled up by the scorer's Rollup. A
// third come from Greenhouse, and the completed of those have an outcome.
// One first name starts with "=" and one has a non-ASCII letter.
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
	// Batches of seedBatch rows a transaction: PostgreSQL cannot prune the
	// versions of a counter row (migration 00015's triggers) that one
	// transaction updates again and again, so one huge transaction slows down
	// with its own size.
	var err error
	for lo := 0; lo < n && err == nil; lo += seedBatch {
		hi := min(n, lo+seedBatch)
		err = a.Store.Tx(ctx, func(tx *sql.Tx) error {
			cand, err := tx.PrepareContext(ctx, `INSERT INTO candidates (org_id, posting_id, first_name, last_name, email, source, status, token_hash,
	expires_at, score, recommendation, started_at, completed_at, gh_test_id, gh_application_id, gh_candidate_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`)
			if err != nil {
				return err
			}
			att, err := tx.PrepareContext(ctx, `INSERT INTO attempts (candidate_id, posting_version, status, started_at, submitted_at, result, score, recommendation, result_brief)
VALUES ($1, 1, 'submitted', $2, $3, $4, $5, $6, $7) RETURNING id`)
			if err != nil {
				return err
			}
			ans, err := tx.PrepareContext(ctx, `INSERT INTO answers (attempt_id, question_key, answer, viewed_at, answered_at, time_spent_ms) VALUES ($1, $2, $3, $4, $4, $5)`)
			if err != nil {
				return err
			}
			for i := lo; i < hi; i++ {
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
				var ghTest any
				ghApp := ""
				if i%3 == 0 {
					s.Source, s.GHApplicationID = model.SourceGreenhouse, fmt.Sprint(100000+i)
					ghTest, ghApp = fmt.Sprintf("t%d", i), s.GHApplicationID
				}
				var started, completed, score any
				rec := ""
				if stored != model.CandidateSent {
					s.StartedAt = s.CreatedAt.Add(time.Duration(1+rnd.IntN(600)) * time.Minute)
					started = s.StartedAt.UnixMicro()
				}
				if stored == model.CandidateCompleted {
					s.Completed = s.StartedAt.Add(time.Duration(10+rnd.IntN(80)) * time.Minute)
					completed = s.Completed.UnixMicro()
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
					score, rec = res.Overall, string(res.Recommendation)
				}
				err := cand.QueryRowContext(ctx, orgID, postingID, s.FirstName, s.LastName, s.Email, s.Source, stored, auth.Hash(fmt.Sprintf("seed-%d-%d", seed, i)),
					s.ExpiresAt.UnixMicro(), score, rec, started, completed, ghTest, ghApp, "", s.CreatedAt.UnixMicro()).Scan(&s.ID)
				if err != nil {
					return err
				}
				if s.Result != nil {
					raw, _ := json.Marshal(s.Result)
					brief, _ := json.Marshal(s.Result.Brief())
					var aid int64
					if err := att.QueryRowContext(ctx, s.ID, started, completed, string(raw), s.Result.Overall, rec, string(brief)).Scan(&aid); err != nil {
						return err
					}
					if err := store.WriteResultFacts(ctx, tx, aid, raw); err != nil {
						return err
					}
					for _, q := range qs {
						body, _ := json.Marshal(scoring.Answer{Text: fmt.Sprintf("answer of %d to %s", i, q.Key)})
						if _, err := ans.ExecContext(ctx, aid, q.Key, string(body), completed, s.TimeMS[q.Key]); err != nil {
							return err
						}
					}
					if _, err := tx.ExecContext(ctx, `UPDATE candidates SET attempt_id = $1 WHERE id = $2`, aid, s.ID); err != nil {
						return err
					}
					if err := store.SyncItemSums(ctx, tx, aid); err != nil {
						return err
					}
					if s.Source == model.SourceGreenhouse {
						s.Outcome = []string{"active", "rejected", "hired"}[i%3+rnd.IntN(3)-i%3]
						if _, err := tx.ExecContext(ctx, `INSERT INTO harvest_outcomes (org_id, gh_application_id, gh_candidate_id, gh_job_id, status, fetched_at)
VALUES ($1, $2, $3, 1, $4, $5)`, orgID, 100000+i, 500000+i, s.Outcome, now.UnixMicro()); err != nil {
							return err
						}
					}
				}
				out = append(out, s)
			}
			return nil
		})
		if err == nil && a.Store.Dialect == store.Postgres {
			// Test servers may run without autovacuum: clear the dead
			// versions of the kept rows each batch leaves, or every later
			// update walks them.
			_, err = a.Store.DB.ExecContext(ctx, `VACUUM candidate_counts, score_counts, recommendation_counts, item_counts, item_sums, item_times, competency_counts, analytics_counts`)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}
