package candidates

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/store"
)

// prescored is an attempt scored before the transaction that submits it. A
// scorer that does I/O (the model scorer, internal/scoring/llm) may take
// seconds per answer; on SQLite a write transaction held that long would
// block every other writer. So Submit scores first, outside any
// transaction, and finish uses those scores only if the attempt's answers
// are still exactly the ones scored (otherwise it scores again inside).
type prescored struct {
	attemptID int64
	answers   map[string][]byte
	qs        []scoring.QuestionScore
}

// prescore scores c's current attempt outside any transaction; nil when the
// scorer is the pure rules (cheap enough to run inside), when there is no
// attempt in progress, or on any error (finish then scores as usual).
func (s *Service) prescore(ctx context.Context, c *model.Candidate) *prescored {
	if _, pure := s.Scorer.(scoring.Rules); pure || s.Scorer == nil || c.Status != model.CandidateStarted || c.AttemptID == 0 {
		return nil
	}
	a, err := store.GetAttempt(ctx, s.Store.DB, c.ID, c.AttemptID)
	if err != nil || a.Status != model.AttemptInProgress {
		return nil
	}
	doc, err := s.versionDoc(ctx, s.Store.DB, c, a.PostingVersion)
	if err != nil {
		return nil
	}
	stored, err := store.AttemptAnswers(ctx, s.Store.DB, a.ID)
	if err != nil {
		return nil
	}
	p := &prescored{attemptID: a.ID, answers: make(map[string][]byte, len(stored))}
	for k, sa := range stored {
		p.answers[k] = sa.Answer
	}
	p.qs = scoring.ScoreAll(s.Scorer, doc, decodeAnswers(stored))
	return p
}

// matches reports whether p scored attempt id with exactly these answers.
func (p *prescored) matches(id int64, stored map[string]*model.Answer) bool {
	if p == nil || p.attemptID != id || len(p.answers) != len(stored) {
		return false
	}
	for k, sa := range stored {
		raw, ok := p.answers[k]
		if !ok || !bytes.Equal(raw, sa.Answer) {
			return false
		}
	}
	return true
}

// decodeAnswers reads stored answers for the scorer.
func decodeAnswers(stored map[string]*model.Answer) map[string]scoring.Answer {
	answers := map[string]scoring.Answer{}
	for k, sa := range stored {
		var ans scoring.Answer
		if len(sa.Answer) > 0 && json.Unmarshal(sa.Answer, &ans) == nil {
			answers[k] = ans
		}
	}
	return answers
}
