package fairness

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// MethodNote explains the report in a few sentences; the page and the CSV
// export carry it.
func (r *Report) MethodNote() []string {
	basis := fmt.Sprintf("Selection rate: the share of a category whose recommendation is %q or higher.", r.Level)
	if r.Basis == Scoring {
		basis = fmt.Sprintf("Scoring rate: the share of a category whose overall score is above the median score of all %d people assessed (%s).", r.Total, strconv.FormatFloat(r.Median, 'f', -1, 64))
	}
	return []string{
		basis,
		"Impact ratio: a category's rate divided by the rate of the category with the highest rate (29 CFR 1607.4(D); 6 RCNY §5-301). A ratio under 0.8 is flagged under the four-fifths rule: it is a signal to look closer, not a finding of discrimination, and a ratio of 0.8 or more does not prove its absence.",
		"Fisher's exact test, two-sided mid-P, compares each category with the highest-rate category: a small value (e.g. under 0.05) means a difference this large would rarely arise by chance alone.",
		fmt.Sprintf("Practical significance: a flag 'survives' when the ratio would still be under 0.8 had %d more people of the category been selected.", PracticalExtra),
		fmt.Sprintf("Categories with fewer than %d people are hidden so that nobody can be singled out; categories under 2%% of the data set are shown apart, without an impact ratio (6 RCNY §5-301 (d)). Unknown: people who did not answer the voluntary survey or preferred not to say; they are not in the calculations.", r.MinCount),
	}
}

// WriteCSV writes the report as CSV: one row per category, then the method
// note. scope names the data set (a posting's title, or all postings).
func (r *Report) WriteCSV(w io.Writer, scope string) error {
	cw := csv.NewWriter(w)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	rateName := "selection_rate"
	if r.Basis == Scoring {
		rateName = "scoring_rate"
	}
	cw.Write([]string{"table", "category", "assessed", "favourable", rateName, "impact_ratio", "fisher_mid_p", "fisher_p", "under_four_fifths", "flag_survives_plus_2", "status"})
	for _, t := range r.Tables {
		for _, row := range t.Rows {
			ratio, mid, p, flag, survives := "", "", "", "", ""
			if row.HasRatio {
				ratio, flag = f(row.Ratio), strconv.FormatBool(row.Flag)
			}
			if row.HasP {
				mid, p = f(row.MidP), f(row.P)
			}
			if row.Flag {
				survives = strconv.FormatBool(row.Survives)
			}
			status := "compared"
			if row.Highest {
				status = "highest rate"
			}
			cw.Write([]string{t.Title, row.Category, strconv.Itoa(row.Assessed), strconv.Itoa(row.Favourable), f(row.Rate), ratio, mid, p, flag, survives, status})
		}
		for _, row := range t.SetApart {
			cw.Write([]string{t.Title, row.Category, strconv.Itoa(row.Assessed), strconv.Itoa(row.Favourable), f(row.Rate), "", "", "", "", "", "set apart: under 2% of the data set"})
		}
		for _, h := range t.Hidden {
			cw.Write([]string{t.Title, h.Category, "", "", "", "", "", "", "", "", "hidden: " + h.Reason})
		}
		cw.Write([]string{t.Title, "Unknown / not disclosed", strconv.Itoa(t.Unknown), "", "", "", "", "", "", "", "not in the calculations"})
	}
	cw.Write(nil)
	cw.Write([]string{"method note", "Data set: " + scope + "; " + strconv.Itoa(r.Total) + " people assessed."})
	for _, line := range r.MethodNote() {
		cw.Write([]string{"method note", line})
	}
	cw.Flush()
	return cw.Error()
}
