package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/stats"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Thresholds of the item flags. Discrimination below WeakDiscrimination is
// the usual rule of thumb for an item that does not separate candidates.
const (
	WeakDiscrimination = 0.2
	EasyDifficulty     = 0.9
	HardDifficulty     = 0.3
	// AlphaGain is how much alpha must rise without an item to flag it.
	AlphaGain = 0.02
)

// ItemFigure is one question's item analysis.
type ItemFigure struct {
	Number     int // 1-based position in the version
	Key        string
	Competency string
	// Difficulty is the mean level ÷ the highest level (5): 1 is easy.
	Difficulty float64
	// Discrimination is the corrected item–total correlation: the level's
	// correlation with the sum of the other questions' levels.
	Discrimination    float64
	HasDiscrimination bool
	// AlphaIfDeleted is the competency's alpha without this question.
	AlphaIfDeleted    float64
	HasAlphaIfDeleted bool
	// MeanTimeMS is the mean time spent on the question.
	MeanTimeMS float64
	Flags      []string
}

// Reliability is Cronbach's alpha of a set of questions.
type Reliability struct {
	Key, Name string
	Questions int
	Alpha     float64
	HasAlpha  bool
}

// ItemReport is the item analysis of one posting version.
type ItemReport struct {
	Version      int
	N            int
	Items        []ItemFigure
	Competencies []Reliability
	Overall      Reliability
}

// Items analyses the questions of one version of one of the actor's
// organization's postings over its scored candidates invited in the scope's
// range. Without a range it reads the running sums kept per version with
// each result (store.ItemSumsKept: a few rows, whatever the number of
// candidates); with one, the database sums the levels of the per-result rows
// and their cross-products (store.ItemSums). Either way stats.Items gets the
// same integer sums, no result is decoded and memory grows with questions²,
// not candidates.
func (s *Service) Items(ctx context.Context, actor model.Actor, sc model.AnalyticsScope, version int) (*ItemReport, error) {
	p, err := s.Postings.Get(ctx, actor, sc.PostingID)
	if err != nil {
		return nil, err
	}
	if version < 1 || version > p.Version {
		return nil, apperror.New(apperror.NotFound, "posting version not found")
	}
	sc.OrgID, sc.Now = actor.OrgID, s.Now()
	v, err := store.GetPostingVersion(ctx, s.Store.DB, p.ID, version)
	if err != nil {
		return nil, err
	}
	doc, err := posting.Decode(bytes.NewReader(v.Document))
	if err != nil {
		return nil, fmt.Errorf("analytics: posting %d version %d: %w", p.ID, version, err)
	}
	var qs []posting.Question
	for _, sec := range doc.AssessmentType.Sections() {
		qs = append(qs, doc.QuestionsIn(sec)...)
	}
	keys := make([]string, len(qs))
	for i, q := range qs {
		keys[i] = q.Key
	}
	var n int
	var sum []float64
	var cross [][]float64
	var ok bool
	var times map[string]store.QuestionTime
	if sc.From.IsZero() && sc.To.IsZero() {
		// Without a date range the running sums kept with each result
		// (migration 00019) give the same integers as the scan below.
		kn, pairs, kt, err := store.ItemSumsKept(ctx, s.Store.DB, p.ID, version)
		if err != nil {
			return nil, err
		}
		sum, cross = store.ItemSumsFromKept(kn, pairs, keys, scoring.MinLevel)
		return itemReport(doc, qs, stats.ItemsFromSums(int(kn), sum, cross), kt, version), nil
	}
	err = parallel(
		func() (err error) {
			n, sum, cross, ok, err = store.ItemSums(ctx, s.Store.DB, sc, version, keys, scoring.MinLevel)
			return
		},
		func() (err error) { times, err = store.QuestionTimes(ctx, s.Store.DB, sc, version); return },
	)
	if err != nil {
		return nil, err
	}
	var it *stats.Items
	if ok {
		it = stats.ItemsFromSums(n, sum, cross)
	} else if it, err = s.streamItems(ctx, sc, version, qs); err != nil {
		return nil, err
	}
	return itemReport(doc, qs, it, times, version), nil
}

// streamItems accumulates the item analysis from the decoded results, for
// a version with more questions than store.ItemSums aggregates at once.
func (s *Service) streamItems(ctx context.Context, sc model.AnalyticsScope, version int, qs []posting.Question) (*stats.Items, error) {
	index := map[string]int{}
	for i, q := range qs {
		index[q.Key] = i
	}
	it := stats.NewItems(len(qs))
	row := make([]float64, len(qs))
	err := store.ScoredResults(ctx, s.Store.DB, sc, version, func(_ int, raw []byte) error {
		var res slimResult
		if err := json.Unmarshal(raw, &res); err != nil {
			return fmt.Errorf("analytics: decode result: %w", err)
		}
		for i := range row {
			row[i] = scoring.MinLevel
		}
		for _, q := range res.Questions {
			if i, ok := index[q.Key]; ok {
				row[i] = float64(q.Level)
			}
		}
		it.Add(row)
		return nil
	})
	return it, err
}

func itemReport(doc *posting.Posting, qs []posting.Question, it *stats.Items, times map[string]store.QuestionTime, version int) *ItemReport {
	r := &ItemReport{Version: version, N: it.N()}
	all := make([]int, len(qs))
	byComp := map[string][]int{}
	for i, q := range qs {
		all[i] = i
		byComp[q.Competency] = append(byComp[q.Competency], i)
	}
	compAlpha := map[string]float64{}
	for _, c := range doc.Competencies {
		set := byComp[c.Key]
		if len(set) == 0 {
			continue
		}
		a, ok := it.Alpha(set)
		compAlpha[c.Key] = a
		r.Competencies = append(r.Competencies, Reliability{Key: c.Key, Name: c.Name, Questions: len(set), Alpha: a, HasAlpha: ok})
	}
	a, ok := it.Alpha(all)
	r.Overall = Reliability{Key: "overall", Name: "Overall", Questions: len(all), Alpha: a, HasAlpha: ok}
	for i, q := range qs {
		f := ItemFigure{Number: i + 1, Key: q.Key, Competency: q.Competency, Difficulty: it.Mean(i) / scoring.MaxLevel, MeanTimeMS: times[q.Key].MeanMS}
		f.Discrimination, f.HasDiscrimination = it.ItemTotal(i, all)
		f.AlphaIfDeleted, f.HasAlphaIfDeleted = it.AlphaWithout(i, byComp[q.Competency])
		if r.N >= 2 {
			f.Flags = flags(f, compAlpha[q.Competency], doc.Competency(q.Competency))
		}
		r.Items = append(r.Items, f)
	}
	return r
}

// flags says in words what is weak about an item.
func flags(f ItemFigure, alpha float64, comp *posting.Competency) []string {
	name := "question " + strconv.Itoa(f.Number)
	var out []string
	switch {
	case !f.HasDiscrimination:
		out = append(out, name+" gives every candidate the same level, or the others do: it cannot separate strong from weak candidates")
	case f.Discrimination < WeakDiscrimination:
		out = append(out, name+" does not separate strong from weak candidates")
	}
	if f.Difficulty >= EasyDifficulty {
		out = append(out, name+" is too easy: almost everyone reaches the top level")
	} else if f.Difficulty <= HardDifficulty {
		out = append(out, name+" is very hard: almost nobody gets past the lowest levels")
	}
	if f.HasAlphaIfDeleted && f.AlphaIfDeleted > alpha+AlphaGain && comp != nil {
		out = append(out, fmt.Sprintf("%s makes %s less consistent: without it alpha rises from %.2f to %.2f", name, comp.Name, alpha, f.AlphaIfDeleted))
	}
	return out
}
