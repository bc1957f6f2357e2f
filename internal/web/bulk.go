package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
)

// maxBulk bounds the candidates one bulk action touches (a list page's size).
const maxBulk = pageSize

// bulkCandidates applies the chosen action to the candidates selected on a
// list: remind or extend each (every one on its own, so one refusal does not
// undo the others), or, on a posting's list, hand them to the comparison or
// the CSV export.
func (s *Server) bulkCandidates(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	back := "/candidates"
	var postingID int64
	if r.PathValue("id") != "" {
		p, err := s.postingFor(r)
		if err != nil {
			return err
		}
		postingID, back = p.ID, postingURL(p, "/candidates")
	}
	var ids []int64
	for _, v := range f["c"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperror.Field("c", "%q is not a candidate", v)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		s.flashAs(w, FlashWarning, "Select at least one candidate first.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if len(ids) > maxBulk {
		return apperror.Field("c", "select at most %d candidates at a time", maxBulk)
	}
	action := f.Get("action")
	var do func(id int64) error
	var done string
	switch action {
	case "remind":
		do = func(id int64) error { return s.candidates.Remind(r.Context(), actor(r), id) }
		done = "reminded"
	case "extend":
		days, err := strconv.Atoi(strings.TrimSpace(f.Get("days")))
		if err != nil {
			return apperror.Field("days", "give the number of days as a whole number")
		}
		do = func(id int64) error { return s.candidates.Extend(r.Context(), actor(r), id, days) }
		done = fmt.Sprintf("given %s more", plural(days, "day"))
	case "compare", "export":
		if postingID == 0 {
			return apperror.Field("action", "compare and export work on one posting's list")
		}
		q := url.Values{"c": f["c"]}
		to := fmt.Sprintf("/postings/%d/compare?%s", postingID, q.Encode())
		if action == "export" {
			to = fmt.Sprintf("/postings/%d/candidates/export", postingID)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	default:
		return apperror.Field("action", "choose remind, extend, compare or export")
	}
	var refused []string
	ok := 0
	for _, id := range ids {
		c, err := s.candidates.Get(r.Context(), actor(r), id)
		if err == nil && postingID != 0 && c.PostingID != postingID {
			err = apperror.New(apperror.NotFound, "candidate not found")
		}
		if err == nil {
			err = do(id)
		}
		switch k := apperror.KindOf(err); {
		case err == nil:
			ok++
		case k == apperror.Invalid:
			return err
		case k == apperror.Conflict || k == apperror.NotFound:
			refused = append(refused, apperror.Message(err))
		default:
			return err
		}
	}
	msg := fmt.Sprintf("%s %s.", plural(ok, "candidate was", "candidates were"), done)
	if len(refused) > 0 {
		msg += fmt.Sprintf(" %s not: %s", plural(len(refused), "was", "were"), strings.Join(refused, " "))
		s.flashAs(w, FlashWarning, msg)
	} else {
		s.flash(w, msg)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
