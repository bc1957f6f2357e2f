package candidates

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Override sets a question's level by hand with a note. The automatic score
// is kept; the result is recomputed, audited, and reported onward (Greenhouse).
func (s *Service) Override(ctx context.Context, actor model.Actor, id int64, questionKey string, level int, note string) error {
	note = strings.TrimSpace(note)
	if level < 1 || level > 5 {
		return apperror.Field("level", "choose a level from 1 to 5")
	}
	if note == "" || len(note) > 2000 {
		return apperror.Field("note", "explain the override in a note (up to 2000 characters)")
	}
	return s.change(ctx, actor, id, "score.override", func(tx *sql.Tx, c *model.Candidate) (string, error) {
		if c.Status != model.CandidateCompleted || c.AttemptID == 0 {
			return "", apperror.New(apperror.Conflict, "Only a completed assessment can be re-scored.")
		}
		a, err := store.GetAttempt(ctx, tx, c.ID, c.AttemptID)
		if err != nil {
			return "", err
		}
		var res scoring.Result
		if err := json.Unmarshal(a.Result, &res); err != nil {
			return "", fmt.Errorf("candidates: stored result of attempt %d: %w", a.ID, err)
		}
		i := slices.IndexFunc(res.Questions, func(q scoring.QuestionScore) bool { return q.Key == questionKey })
		if i < 0 {
			return "", apperror.New(apperror.NotFound, "question not found")
		}
		doc, err := s.versionDoc(ctx, tx, c, a.PostingVersion)
		if err != nil {
			return "", err
		}
		now := s.Now()
		o := &model.Override{AttemptID: a.ID, QuestionKey: questionKey, Level: level, OriginalLevel: res.Questions[i].OriginalLevel,
			Note: note, UserID: actor.UserID, UserName: actor.Name, CreatedAt: now}
		if err := store.CreateOverride(ctx, tx, o); err != nil {
			return "", err
		}
		if res, err = s.rescore(ctx, tx, c, a, doc, res.Questions); err != nil {
			return "", err
		}
		detail := fmt.Sprintf("question %s level %d→%d; overall now %.1f (%s)", questionKey, o.OriginalLevel, level, res.Overall, c.Recommendation)
		return detail, s.onResult(ctx, tx, c)
	})
}
