package analytics

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/posting"
	"github.com/talentsystems/talentsystems/internal/postings"
	"github.com/talentsystems/talentsystems/internal/stats"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// BOM starts a CSV export so that Excel reads it as UTF-8.
const BOM = "\uFEFF"

// Export writes the candidates of one of the actor's organization's
// postings that match f (the list page's filters; f.PostingID is required)
// to w as CSV (with a UTF-8 byte-order mark) or as a JSON array, oldest
// first. Rows are written as the database returns them.
func (s *Service) Export(ctx context.Context, actor model.Actor, f model.CandidateFilter, format string, w io.Writer) error {
	if format != FormatCSV && format != FormatJSON {
		return apperror.New(apperror.Invalid, "unknown export format %q: use csv or json", format)
	}
	p, err := s.Postings.Get(ctx, actor, f.PostingID)
	if err != nil {
		return err
	}
	f.OrgID = actor.OrgID
	if f.Now.IsZero() {
		f.Now = s.Now()
	}
	t := newTable(p)
	bw := bufio.NewWriterSize(w, 32<<10)
	if format == FormatCSV {
		err = t.writeCSV(ctx, s.Store, f, bw)
	} else {
		err = t.writeJSON(ctx, s.Store, f, bw)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// table turns export rows into cells, with one column per competency and
// question of the posting's current version.
type table struct {
	comps []posting.Competency
	qs    []posting.Question
	now   time.Time
}

func newTable(p *postings.Posting) *table {
	t := &table{comps: p.Doc.Competencies}
	for _, s := range p.Doc.AssessmentType.Sections() {
		t.qs = append(t.qs, p.Doc.QuestionsIn(s)...)
	}
	return t
}

// fixedHeader are the columns before the competencies and questions.
var fixedHeader = []string{"id", "first_name", "last_name", "email", "phone", "status", "source", "invited_at", "started_at",
	"completed_at", "expires_at", "time_spent_seconds", "overall", "recommendation", "percentile_top", "rank", "ranked"}

var ghHeader = []string{"greenhouse_candidate_id", "greenhouse_application_id", "greenhouse_test_id"}

// compKeys and questionKeys are the keys of the table's columns.
func (t *table) compKeys() []string {
	var out []string
	for _, c := range t.comps {
		out = append(out, c.Key)
	}
	return out
}

func (t *table) questionKeys() []string {
	var out []string
	for _, q := range t.qs {
		out = append(out, q.Key)
	}
	return out
}

func (t *table) header() []string {
	h := append([]string(nil), fixedHeader...)
	for _, c := range t.comps {
		h = append(h, "competency: "+c.Name)
	}
	for i, q := range t.qs {
		h = append(h, fmt.Sprintf("q%d level (%s)", i+1, q.Key))
	}
	return append(h, ghHeader...)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// cells appends one row's values in header order to row (emptied first),
// so that a long export reuses one slice.
func (t *table) cells(row []string, r *model.ExportRow, now time.Time) []string {
	c := r.Candidate
	row = append(row[:0], strconv.FormatInt(c.ID, 10), c.FirstName, c.LastName, c.Email, c.Phone, string(c.EffectiveStatus(now)), string(c.Source),
		stamp(c.CreatedAt), stamp(c.StartedAt), stamp(c.CompletedAt), stamp(c.ExpiresAt))
	if r.TimeSpentMS > 0 {
		row = append(row, strconv.FormatInt((r.TimeSpentMS+500)/1000, 10))
	} else {
		row = append(row, "")
	}
	score, top, rank, ranked := "", "", "", ""
	if c.Score != nil {
		score = strconv.FormatFloat(*c.Score, 'f', 1, 64)
	}
	if c.Score != nil && r.Ranked > 0 {
		rank, ranked = strconv.Itoa(r.Rank), strconv.Itoa(r.Ranked)
		if r.Ranked >= stats.MinPercentileSample {
			top = strconv.Itoa(stats.TopPercent(r.Rank, r.Ranked))
		}
	}
	row = append(row, score, c.Recommendation, top, rank, ranked)
	for _, v := range r.Competencies {
		if v.Has {
			row = append(row, strconv.FormatFloat(v.Value, 'f', 1, 64))
		} else {
			row = append(row, "")
		}
	}
	for _, v := range r.Levels {
		if v.Has {
			row = append(row, strconv.Itoa(int(v.Value)))
		} else {
			row = append(row, "")
		}
	}
	return append(row, c.GHCandidateID, c.GHApplicationID, c.GHTestID)
}

// Neutralise keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection).
func Neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func (t *table) writeCSV(ctx context.Context, st *store.Store, f model.CandidateFilter, w *bufio.Writer) error {
	if _, err := w.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(t.header()); err != nil {
		return err
	}
	var cells []string
	err := store.ExportCandidates(ctx, st.DB, f, t.compKeys(), t.questionKeys(), func(r *model.ExportRow) error {
		cells = t.cells(cells, r, f.Now)
		for i := range cells {
			cells[i] = Neutralise(cells[i])
		}
		return cw.Write(cells)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func (t *table) writeJSON(ctx context.Context, st *store.Store, f model.CandidateFilter, w *bufio.Writer) error {
	var keys [][]byte
	for _, h := range t.header() {
		k, _ := json.Marshal(h)
		keys = append(keys, k)
	}
	if _, err := w.WriteString("["); err != nil {
		return err
	}
	first := true
	var cells []string
	err := store.ExportCandidates(ctx, st.DB, f, t.compKeys(), t.questionKeys(), func(r *model.ExportRow) error {
		cells = t.cells(cells, r, f.Now)
		if !first {
			w.WriteString(",")
		}
		first = false
		w.WriteString("\n  {")
		for i, c := range cells {
			if i > 0 {
				w.WriteString(", ")
			}
			v, _ := json.Marshal(c)
			w.Write(keys[i])
			w.WriteString(": ")
			w.Write(v)
		}
		_, err := w.WriteString("}")
		return err
	})
	if err != nil {
		return err
	}
	if !first {
		w.WriteString("\n")
	}
	_, err = w.WriteString("]\n")
	return err
}
