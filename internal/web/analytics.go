package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// dateRange reads the from and to dates (YYYY-MM-DD, both inclusive) of an
// analytics page. A malformed date or an inverted range is Invalid.
func dateRange(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	parse := func(name string) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return time.Time{}, apperror.New(apperror.Invalid, "The %s date %q is not a date like 2026-03-31.", name, v)
		}
		return t, nil
	}
	if from, err = parse("from"); err != nil {
		return
	}
	if to, err = parse("to"); err != nil {
		return
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, apperror.New(apperror.Invalid, "The from date must not be after the to date.")
	}
	return from, to, nil
}

// rangeDates are the dates a range form shows back.
type rangeDates struct{ From, To string }

func shownRange(r *http.Request) rangeDates {
	return rangeDates{From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
}

// AnalyticsPage is the organization's overview across postings.
type AnalyticsPage struct {
	Base
	Range    rangeDates
	O        *analytics.Overview
	Rate     string
	Activity *Chart
}

// PostingRate is a posting's completion rate in words.
func (v *AnalyticsPage) PostingRate(f *model.PostingFigures) string {
	return percentText(f.Completed, f.Invited)
}

func percentText(n, of int) string {
	if of == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64) + "%"
}

// analytics is the organization overview.
func (s *Server) analytics(w http.ResponseWriter, r *http.Request) error {
	from, to, err := dateRange(r)
	if err != nil {
		return err
	}
	o, err := s.reports.Overview(r.Context(), actor(r), from, to)
	if err != nil {
		return err
	}
	v := &AnalyticsPage{Base: Base{Title: "Analytics", Nav: "analytics"}, Range: shownRange(r), O: o, Rate: percentText(o.Total.Completed, o.Total.Invited)}
	var labels, texts []string
	var values []float64
	for _, a := range o.Activity {
		labels = append(labels, "week of "+a.Start.Format("2 Jan 2006"))
		values = append(values, float64(a.Completed))
		texts = append(texts, fmt.Sprintf("%d completed of %d invited", a.Completed, a.Invited))
	}
	v.Activity = newChart("activity", "Candidates completed per week", "Week", "Completed of invited", 0, labels, values, texts)
	s.render(w, r, http.StatusOK, "analytics", v)
	return nil
}

// PostingAnalyticsPage is one posting's analytics and item analysis.
type PostingAnalyticsPage struct {
	Base
	Range     rangeDates
	R         *analytics.Report
	Rate      string
	Items     *analytics.ItemReport
	Version   int
	Funnel    *Chart
	Histogram *Chart
	Recs      *Chart
	Comps     *Chart
}

// Duration is a duration in words for the page.
func (v *PostingAnalyticsPage) Duration(d time.Duration) string { return span(d) }

// span is a duration in days, hours and minutes (seconds under a minute).
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

// Pct is a 0–1 fraction as a percentage.
func (v *PostingAnalyticsPage) Pct(f float64) string {
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

// HasFlags reports whether any question of the item analysis is flagged.
func (v *PostingAnalyticsPage) HasFlags() bool {
	if v.Items == nil {
		return false
	}
	for _, it := range v.Items.Items {
		if len(it.Flags) > 0 {
			return true
		}
	}
	return false
}

// Two is a number with two decimals.
func (v *PostingAnalyticsPage) Two(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func (s *Server) postingAnalytics(w http.ResponseWriter, r *http.Request) error {
	from, to, err := dateRange(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	rep, err := s.reports.Posting(ctx, a, pathID(r, "id"), from, to)
	if err != nil {
		return err
	}
	v := &PostingAnalyticsPage{Base: Base{Title: "Analytics · " + rep.Posting.Doc.Title, Nav: "analytics"}, Range: shownRange(r), R: rep}
	rate, ok := rep.CompletionRate()
	v.Rate = "—"
	if ok {
		v.Rate = strconv.FormatFloat(rate, 'f', 1, 64) + "%"
	}
	f := rep.Funnel
	v.Funnel = newChart("funnel", "Candidates at each step", "Step", "Candidates", 0,
		[]string{"Invited", "Started", "Completed", "Expired unstarted"}, []float64{float64(f.Invited), float64(f.Started), float64(f.Completed), float64(f.Expired)}, nil)
	var hl []string
	var hv []float64
	for i, n := range rep.Histogram {
		hi := fmt.Sprintf("%d", i*10+9)
		if i == len(rep.Histogram)-1 {
			hi = "100"
		}
		hl = append(hl, fmt.Sprintf("%d–%s", i*10, hi))
		hv = append(hv, float64(n))
	}
	v.Histogram = newChart("hist", "Overall scores of the scored candidates", "Score", "Candidates", 0, hl, hv, nil)
	var rl []string
	var rv []float64
	for _, c := range rep.Recommendations {
		rl, rv = append(rl, c.Label), append(rv, float64(c.N))
	}
	v.Recs = newChart("recs", "Recommendations", "Recommendation", "Candidates", 0, rl, rv, nil)
	var cl, ct []string
	var cv []float64
	for _, c := range rep.Competencies {
		cl, cv = append(cl, c.Name), append(cv, c.Mean)
		ct = append(ct, fmt.Sprintf("%.1f ± %.1f", c.Mean, c.SD))
	}
	v.Comps = newChart("comps", "Mean competency scores out of 100", "Competency", "Mean ± standard deviation", 100, cl, cv, ct)

	v.Version = rep.Posting.Version
	if s := r.URL.Query().Get("version"); s != "" {
		if v.Version, err = strconv.Atoi(s); err != nil {
			return apperror.New(apperror.Invalid, "The version %q is not a number.", s)
		}
	}
	if v.Version > 0 {
		if v.Items, err = s.reports.Items(ctx, a, model.AnalyticsScope{PostingID: rep.Posting.ID, From: from, To: to}, v.Version); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "analytics_posting", v)
	return nil
}
