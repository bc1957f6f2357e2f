// Package analytics computes the figures of the analytics pages, the
// percentiles of scorecards, the item analysis of a posting version, the
// comparison of candidates and the candidates export. Counts, bins and
// quantiles are computed by the database; figures of the stored scoring
// results (competencies, question levels) are aggregated by the database
// over the per-result rows written with each result (result_competencies,
// result_questions), and ranks come from score_counts, so no result is
// decoded per candidate and memory does not grow with the candidates.
package analytics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Service reads the analytics of the actor's organization.
type Service struct {
	Store    *store.Store
	Postings *postings.Service
	Now      func() time.Time
}

// Step is the duration of one funnel step across the candidates who passed it.
type Step struct {
	// N is how many candidates passed the step.
	N int
	// Median and P90 are nearest-rank quantiles of the durations in whole
	// seconds, truncated (0 when N is 0).
	Median, P90 time.Duration
}

// Count is a labelled count.
type Count struct {
	Key, Label string
	N          int
}

// CompetencyFigure is a competency's mean score and spread.
type CompetencyFigure struct {
	Key, Name string
	N         int
	Mean, SD  float64
}

// BandOutcome counts the Greenhouse outcomes of one score band.
type BandOutcome struct {
	Label                   string
	Active, Rejected, Hired int
}

// Report is a posting's analytics over a date range.
type Report struct {
	Posting *postings.Posting
	Scope   model.AnalyticsScope
	Funnel  model.FunnelCounts
	// ToStart is from the invitation to the start; ToComplete from the start
	// to the submission (the time to complete).
	ToStart, ToComplete Step
	// Histogram counts scored candidates in bins of 10 points.
	Histogram       [store.HistogramBins]int
	Recommendations []Count
	Competencies    []CompetencyFigure
	Outcomes        []BandOutcome
	// Versions counts scored candidates per posting version, newest first.
	Versions []Count
}

// CompletionRate is completed ÷ invited, 0–100; ok is false with no candidates.
func (r *Report) CompletionRate() (float64, bool) {
	return rate(r.Funnel.Completed, r.Funnel.Invited)
}

func rate(n, of int) (float64, bool) {
	if of == 0 {
		return 0, false
	}
	return 100 * float64(n) / float64(of), true
}

// Scored is the number of scored candidates (the histogram's total).
func (r *Report) Scored() int {
	n := 0
	for _, b := range r.Histogram {
		n += b
	}
	return n
}

// RecommendationLabels names the recommendations in the order the pages show them.
var RecommendationLabels = []Count{{Key: "strong_yes", Label: "Strong yes"}, {Key: "yes", Label: "Yes"}, {Key: "no", Label: "No"}, {Key: "strong_no", Label: "Strong no"}}

// Posting returns the analytics of one of the actor's organization's
// postings, over the candidates invited in [from, to) (zero bounds are open).
func (s *Service) Posting(ctx context.Context, actor model.Actor, postingID int64, from, to time.Time) (*Report, error) {
	p, err := s.Postings.Get(ctx, actor, postingID)
	if err != nil {
		return nil, err
	}
	db := s.Store.DB
	r := &Report{Posting: p, Scope: model.AnalyticsScope{OrgID: actor.OrgID, PostingID: p.ID, From: from, To: to, Now: s.Now()}}
	var recs map[string]int
	var outcomes map[int]map[string]int
	var versions map[int]int
	// Without a date range the histogram, the recommendation split, the
	// competencies and the versions come from counts kept with each change
	// (score_counts, recommendation_counts, competency_counts, item_counts):
	// a few rows whatever the number of candidates. With one they are
	// computed from the candidates in the range.
	kept := from.IsZero() && to.IsZero()
	histogram := func() (err error) { r.Histogram, err = store.ScoreHistogram(ctx, db, r.Scope); return }
	split := func() (err error) { recs, err = store.RecommendationSplit(ctx, db, r.Scope); return }
	scored := func() (err error) { versions, err = store.ScoredVersions(ctx, db, r.Scope); return }
	moments := store.CompetencyMoments
	funnel := func() (err error) { r.Funnel, err = store.Funnel(ctx, db, r.Scope); return }
	toStart := func() (err error) { r.ToStart, err = step(ctx, db, r.Scope, store.StepStart); return }
	toComplete := func() (err error) { r.ToComplete, err = step(ctx, db, r.Scope, store.StepComplete); return }
	byBand := func() (err error) { outcomes, err = store.OutcomesByBand(ctx, db, r.Scope); return }
	if kept {
		// The funnel, the step quantiles and the outcomes by band from
		// analytics_counts (migration 00021).
		funnel = func() (err error) { r.Funnel, err = store.KeptFunnel(ctx, db, actor.OrgID, p.ID, r.Scope.Now); return }
		toStart = func() (err error) { r.ToStart, err = keptStep(ctx, db, p.ID, store.StepStart); return }
		toComplete = func() (err error) { r.ToComplete, err = keptStep(ctx, db, p.ID, store.StepComplete); return }
		byBand = func() (err error) { outcomes, err = store.KeptOutcomesByBand(ctx, db, p.ID); return }
		histogram = func() (err error) { r.Histogram, err = store.KeptScoreHistogram(ctx, db, p.ID); return }
		split = func() (err error) { recs, err = store.KeptRecommendationSplit(ctx, db, p.ID); return }
		scored = func() (err error) { versions, err = store.KeptScoredVersions(ctx, db, p.ID); return }
		moments = func(ctx context.Context, q store.Querier, sc model.AnalyticsScope) ([]store.CompetencyMoment, error) {
			return store.KeptCompetencyMoments(ctx, q, sc.PostingID)
		}
	}
	// The figures are independent reads: the database answers them at once
	// on as many connections.
	err = parallel(
		funnel,
		toStart,
		toComplete,
		histogram,
		split,
		func() (err error) { r.Competencies, err = s.competencies(ctx, moments, r.Scope, p); return },
		byBand,
		scored,
	)
	if err != nil {
		return nil, err
	}
	for _, l := range RecommendationLabels {
		l.N = recs[l.Key]
		r.Recommendations = append(r.Recommendations, l)
	}
	for i, lo := range store.ScoreBands {
		hi := 100
		if i+1 < len(store.ScoreBands) {
			hi = store.ScoreBands[i+1] - 1 // scores are whole or one decimal: 39.9 is in 0–39
		}
		o := outcomes[i]
		r.Outcomes = append(r.Outcomes, BandOutcome{Label: fmt.Sprintf("%d–%d", lo, hi), Active: o["active"], Rejected: o["rejected"], Hired: o["hired"]})
	}
	for v := p.Version; v >= 0; v-- {
		if n := versions[v]; n > 0 {
			r.Versions = append(r.Versions, Count{Key: fmt.Sprint(v), Label: fmt.Sprintf("version %d", v), N: n})
		}
	}
	return r, nil
}

// parallel runs fns at once and returns the first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// step reads a step's median and p90 over the scope's candidates, in whole
// seconds (truncated), as the kept counts hold them (keptStep): truncation
// keeps the order, so the quantile of the truncated durations is the
// truncated quantile.
func step(ctx context.Context, q store.Querier, sc model.AnalyticsScope, which string) (Step, error) {
	n, qs, err := store.StepQuantiles(ctx, q, sc, which, []float64{0.5, 0.9})
	if err != nil {
		return Step{}, err
	}
	return Step{N: n, Median: qs[0].Truncate(time.Second), P90: qs[1].Truncate(time.Second)}, nil
}

// keptStep reads a step's median and p90 over all of a posting's candidates
// from the kept counts.
func keptStep(ctx context.Context, q store.Querier, postingID int64, which string) (Step, error) {
	n, qs, err := store.KeptStepQuantiles(ctx, q, postingID, which, []float64{0.5, 0.9})
	if err != nil {
		return Step{}, err
	}
	return Step{N: n, Median: qs[0], P90: qs[1]}, nil
}

// competencies returns each competency's mean and spread over the scope's
// scored candidates, in the order of the posting's current competencies
// (then any that only older versions had, by key), from the moments read
// gives (store.CompetencyMoments sums the per-result rows,
// store.KeptCompetencyMoments the kept counts); no result is decoded.
func (s *Service) competencies(ctx context.Context, read func(context.Context, store.Querier, model.AnalyticsScope) ([]store.CompetencyMoment, error),
	sc model.AnalyticsScope, p *postings.Posting) ([]CompetencyFigure, error) {
	moments, err := read(ctx, s.Store.DB, sc)
	if err != nil {
		return nil, err
	}
	byKey := map[string]store.CompetencyMoment{}
	for _, m := range moments {
		byKey[m.Key] = m
	}
	var out []CompetencyFigure
	add := func(key, name string) {
		m, ok := byKey[key]
		if !ok || m.N == 0 {
			return
		}
		delete(byKey, key)
		if name == "" {
			name = m.Name
		}
		out = append(out, CompetencyFigure{Key: key, Name: name, N: m.N, Mean: m.Sum / float64(m.N), SD: sampleSD(m.N, m.Sum, m.SumSq)})
	}
	for _, c := range p.Doc.Competencies {
		add(c.Key, c.Name)
	}
	for _, m := range moments {
		add(m.Key, "")
	}
	return out, nil
}

// sampleSD is the sample standard deviation (divisor n − 1) of n values
// with sum and sum of squares; 0 below two values.
func sampleSD(n int, sum, sumSq float64) float64 {
	if n < 2 {
		return 0
	}
	v := (sumSq - sum*sum/float64(n)) / float64(n-1)
	return math.Sqrt(max(v, 0))
}
