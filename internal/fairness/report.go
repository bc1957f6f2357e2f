package fairness

import (
	"slices"
	"sort"

	"github.com/talentsystems/talentsystems/internal/store"
)

// Basis is what counts as a favourable outcome in the report.
type Basis string

// The two bases NYC Local Law 144 names (6 RCNY §5-301 (b) and (c)).
const (
	// Selection: the recommendation is at or above a chosen level.
	Selection Basis = "selection"
	// Scoring: the overall score is above the median score of the sample.
	Scoring Basis = "scoring"
)

// Levels are the recommendations from lowest to highest.
var Levels = []string{"strong_no", "no", "yes", "strong_yes"}

// Thresholds of the report.
const (
	// FourFifths is the impact ratio under which a group's rate is flagged
	// (29 CFR 1607.4(D)).
	FourFifths = 0.8
	// SetApartShare is the share of the data set under which a category is
	// set apart from the impact ratios (6 RCNY §5-301 (d)).
	SetApartShare = 0.02
	// DefaultMinCount is the smallest group whose figures are shown.
	DefaultMinCount = 5
	// PracticalExtra is how many more selections the practical-significance
	// check grants a flagged group.
	PracticalExtra = 2
)

// Row is one category of a table.
type Row struct {
	Category string
	// Assessed is how many people of the category were assessed, Favourable
	// how many were selected (or scored above the median).
	Assessed, Favourable int
	Rate                 float64
	// Ratio is Rate divided by the highest group's rate (HasRatio false when
	// no ratio is computed: the highest rate is 0, or the row is set apart).
	Ratio    float64
	HasRatio bool
	Highest  bool
	// MidP and P are Fisher's exact test against the highest group (mid-P
	// and conventional, two-sided); HasP false for the highest group itself.
	MidP, P float64
	HasP    bool
	// Flag: the impact ratio is under four fifths. Survives: it stays under
	// four fifths even with PracticalExtra more of the group selected.
	Flag, Survives bool
}

// HiddenRow is a category with fewer people than the report's minimum: no
// figure of it is shown.
type HiddenRow struct {
	Category string
	Reason   string
}

// Table is the report for one way of grouping people (sex, race/ethnicity or
// their intersection).
type Table struct {
	Title string
	// Rows are the categories compared, in the survey's order.
	Rows []Row
	// SetApart are categories under SetApartShare of the data set, shown with
	// their numbers and rates but no impact ratio.
	SetApart []Row
	Hidden   []HiddenRow
	// Unknown counts people who did not answer or preferred not to say.
	Unknown int
	// NoRatios is set when no compared category had a favourable outcome.
	NoRatios bool
}

// Report is an adverse-impact report over a set of assessed candidates.
type Report struct {
	Basis    Basis
	Level    string  // the selection level (Selection)
	Median   float64 // the sample's median score (Scoring)
	Total    int     // people assessed in the data set
	MinCount int
	Tables   []Table
}

// groupCount is one category's tally.
type groupCount struct {
	category             string
	assessed, favourable int
}

// Build computes the report from samples. level must be one of Levels when
// basis is Selection; minCount below 1 means DefaultMinCount.
func Build(samples []store.FairnessSample, basis Basis, level string, minCount int) *Report {
	if minCount < 1 {
		minCount = DefaultMinCount
	}
	r := &Report{Basis: basis, Level: level, Total: len(samples), MinCount: minCount}
	favourable := func(s store.FairnessSample) bool {
		return slices.Index(Levels, s.Recommendation) >= slices.Index(Levels, level)
	}
	if basis == Scoring {
		r.Median = median(samples)
		favourable = func(s store.FairnessSample) bool { return s.Score > r.Median }
	}
	sexOf := func(s store.FairnessSample) string { return label(SexOptions, s.Sex) }
	raceOf := func(s store.FairnessSample) string { return label(RaceOptions, s.Race) }
	var both []string
	for _, ro := range RaceOptions {
		for _, so := range SexOptions {
			if ro.Code != NotSaid && so.Code != NotSaid {
				both = append(both, ro.Label+" · "+so.Label)
			}
		}
	}
	r.Tables = []Table{
		r.table("Sex", labels(SexOptions), samples, sexOf, favourable),
		r.table("Race/ethnicity", labels(RaceOptions), samples, raceOf, favourable),
		r.table("Race/ethnicity and sex", both, samples, func(s store.FairnessSample) string {
			sx, rc := sexOf(s), raceOf(s)
			if !known(sx) || !known(rc) {
				return ""
			}
			return rc + " · " + sx
		}, favourable),
	}
	return r
}

func labels(options []Option) []string {
	var out []string
	for _, o := range options {
		if o.Code != NotSaid {
			out = append(out, o.Label)
		}
	}
	return out
}

// known reports whether a label names a category (not unknown, not "prefer not to say").
func known(l string) bool { return l != "" && l != label(SexOptions, NotSaid) }

func (r *Report) table(title string, order []string, samples []store.FairnessSample, categoryOf func(store.FairnessSample) string, favourable func(store.FairnessSample) bool) Table {
	counts := map[string]*groupCount{}
	unknown := 0
	for _, s := range samples {
		c := categoryOf(s)
		if !known(c) {
			unknown++
			continue
		}
		g := counts[c]
		if g == nil {
			g = &groupCount{category: c}
			counts[c] = g
		}
		g.assessed++
		if favourable(s) {
			g.favourable++
		}
	}
	var groups []groupCount
	for _, c := range order {
		if g := counts[c]; g != nil {
			groups = append(groups, *g)
		}
	}
	t := tabulate(groups, r.Total, r.MinCount)
	t.Title, t.Unknown = title, unknown
	return t
}

// tabulate turns category tallies into a table: hides small groups, sets
// apart rare ones, and compares the rest with the highest rate.
func tabulate(groups []groupCount, total, minCount int) Table {
	var t Table
	for _, g := range groups {
		row := Row{Category: g.category, Assessed: g.assessed, Favourable: g.favourable, Rate: rate(g.favourable, g.assessed)}
		switch {
		case g.assessed < minCount:
			t.Hidden = append(t.Hidden, HiddenRow{Category: g.category, Reason: "fewer than the minimum group size, so that nobody can be singled out"})
		case total > 0 && float64(g.assessed) < SetApartShare*float64(total):
			t.SetApart = append(t.SetApart, row)
		default:
			t.Rows = append(t.Rows, row)
		}
	}
	best := -1
	for i, row := range t.Rows {
		if best < 0 || row.Rate > t.Rows[best].Rate {
			best = i
		}
	}
	if best < 0 {
		return t
	}
	top := t.Rows[best]
	if top.Rate == 0 {
		t.NoRatios = true
		return t
	}
	for i := range t.Rows {
		row := &t.Rows[i]
		row.Ratio, row.HasRatio = row.Rate/top.Rate, true
		if i == best {
			row.Highest = true
			continue
		}
		row.MidP, row.P = FisherMidP(row.Favourable, row.Assessed-row.Favourable, top.Favourable, top.Assessed-top.Favourable)
		row.HasP = true
		if row.Ratio < FourFifths {
			row.Flag = true
			more := rate(min(row.Favourable+PracticalExtra, row.Assessed), row.Assessed)
			row.Survives = more/max(more, top.Rate) < FourFifths
		}
	}
	return t
}

func rate(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// median is the median overall score of the samples (the mean of the two
// middle ones for an even count).
func median(samples []store.FairnessSample) float64 {
	if len(samples) == 0 {
		return 0
	}
	scores := make([]float64, len(samples))
	for i, s := range samples {
		scores[i] = s.Score
	}
	sort.Float64s(scores)
	n := len(scores)
	if n%2 == 1 {
		return scores[n/2]
	}
	return (scores[n/2-1] + scores[n/2]) / 2
}
