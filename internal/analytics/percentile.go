package analytics

import (
	"context"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/stats"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Percentile is where a scored candidate stands among their posting's
// scored candidates.
type Percentile struct {
	// Rank is 1 + how many scored higher (ties share a rank); N how many are scored.
	Rank, N int
	// Top is ⌈100 · Rank / N⌉: the candidate is in the top Top %.
	Top int
	// Shown is false below stats.MinPercentileSample candidates or for an
	// unscored candidate; Why then says why in words.
	Shown bool
	Why   string
}

// String is the percentile in words, e.g. "top 12% of 340".
func (p Percentile) String() string {
	if !p.Shown {
		return p.Why
	}
	return fmt.Sprintf("top %d%% of %d", p.Top, p.N)
}

// Percentile returns candidate c's percentile (c was got through the
// actor's organization, e.g. by candidates.Get).
func (s *Service) Percentile(ctx context.Context, actor model.Actor, c *model.Candidate) (Percentile, error) {
	if c.OrgID != actor.OrgID || c.Score == nil || c.Status != model.CandidateCompleted {
		return Percentile{Why: "no percentile: the candidate is not scored"}, nil
	}
	rank, n, err := store.ScoreRank(ctx, s.Store.DB, actor.OrgID, c.PostingID, *c.Score)
	if err != nil {
		return Percentile{}, err
	}
	return percentile(rank, n), nil
}

func percentile(rank, n int) Percentile {
	p := Percentile{Rank: rank, N: n, Top: stats.TopPercent(rank, n)}
	if n < stats.MinPercentileSample {
		p.Why = fmt.Sprintf("no percentile yet: %d of the %d completed candidates it needs", n, stats.MinPercentileSample)
		return p
	}
	p.Shown = true
	return p
}

// Percentiles returns the percentile of each of candidates cs (got through
// the actor's organization, e.g. by candidates.List) by candidate id; the
// ranks come from each posting's score counts, one small read per posting.
func (s *Service) Percentiles(ctx context.Context, actor model.Actor, cs []*model.Candidate) (map[int64]Percentile, error) {
	out := map[int64]Percentile{}
	dists := map[int64][]store.ScoreCount{}
	for _, c := range cs {
		if c.OrgID != actor.OrgID || c.Score == nil || c.Status != model.CandidateCompleted {
			out[c.ID] = Percentile{Why: "no percentile: the candidate is not scored"}
			continue
		}
		dist, ok := dists[c.PostingID]
		if !ok {
			var err error
			if dist, err = store.ScoreDistribution(ctx, s.Store.DB, c.PostingID); err != nil {
				return nil, err
			}
			dists[c.PostingID] = dist
		}
		// dist is highest score first: the rank is 1 + the counts above.
		rank, n := 1, 0
		for _, d := range dist {
			if d.Score > *c.Score {
				rank += d.N
			}
			n += d.N
		}
		out[c.ID] = percentile(rank, n)
	}
	return out, nil
}
