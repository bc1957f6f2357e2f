package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/talentsystems/talentsystems/internal/analytics"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// ComparePage shows 2–6 candidates of a posting side by side.
type ComparePage struct {
	Base
	C *analytics.Comparison
	// CSV is the address of the same comparison as CSV.
	CSV string
}

// Bar is the width, out of 100, of a competency score's bar.
func (v *ComparePage) Bar(c analytics.Cell) string { return strconv.FormatFloat(c.Score, 'f', 1, 64) }

// compare answers GET /postings/{id}/compare?c=ID&c=ID…, as a page or, with
// format=csv, as CSV.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, v := range r.URL.Query()["c"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperror.New(apperror.Invalid, "%q is not a candidate id.", v)
		}
		ids = append(ids, id)
	}
	cmp, err := s.reports.Compare(r.Context(), actor(r), pathID(r, "id"), ids)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch q.Get("format") {
	case "":
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="posting-%d-comparison.csv"`, cmp.Posting.ID))
		return cmp.WriteCSV(w)
	default:
		return apperror.New(apperror.Invalid, "Unknown format %q: use csv.", q.Get("format"))
	}
	q.Set("format", "csv")
	s.render(w, r, http.StatusOK, "compare", &ComparePage{Base: Base{Title: "Compare candidates · " + cmp.Posting.Doc.Title, Nav: "candidates"},
		C: cmp, CSV: r.URL.Path + "?" + q.Encode()})
	return nil
}

// headerOnWrite sets download headers on the first write only, so an error
// found before any row is answered as an ordinary error page.
type headerOnWrite struct {
	w       http.ResponseWriter
	headers map[string]string
	wrote   bool
}

func (h *headerOnWrite) Write(p []byte) (int, error) {
	if !h.wrote {
		h.wrote = true
		for k, v := range h.headers {
			h.w.Header().Set(k, v)
		}
	}
	return h.w.Write(p)
}

// exportCandidates streams a posting's candidates, filtered like the list,
// as CSV (the default) or JSON.
func (s *Server) exportCandidates(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = analytics.FormatCSV
	}
	id := pathID(r, "id")
	f := model.CandidateFilter{PostingID: id, Status: model.CandidateStatus(q.Get("status")), Source: model.Source(q.Get("source")), Search: q.Get("q")}
	switch f.Status {
	case "", model.CandidateSent, model.CandidateStarted, model.CandidateCompleted, model.CandidateExpired:
	default:
		return apperror.New(apperror.Invalid, "Unknown status %q.", f.Status)
	}
	switch f.Source {
	case "", model.SourceManual, model.SourceGreenhouse:
	default:
		return apperror.New(apperror.Invalid, "Unknown source %q.", f.Source)
	}
	ct := "text/csv; charset=utf-8"
	if format == analytics.FormatJSON {
		ct = "application/json"
	}
	hw := &headerOnWrite{w: w, headers: map[string]string{"Content-Type": ct,
		"Content-Disposition": fmt.Sprintf(`attachment; filename="posting-%d-candidates.%s"`, id, format)}}
	err := s.reports.Export(r.Context(), actor(r), f, format, hw)
	if err != nil && hw.wrote {
		// The status is sent: all that is left is to stop and log.
		logFrom(r.Context(), s.log).Error("export interrupted", "err", err)
		return nil
	}
	return err
}
