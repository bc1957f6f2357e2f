package candidates

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// typeAllowed reports whether a file matches one of the accepted types: a
// file name extension (".pdf") or a MIME type ("application/pdf", "image/*").
func typeAllowed(types []string, name, contentType string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	mt, _, _ := mime.ParseMediaType(contentType)
	for _, t := range types {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case strings.HasPrefix(t, "."):
			if ext == t {
				return true
			}
		case strings.HasSuffix(t, "/*"):
			if strings.HasPrefix(mt, strings.TrimSuffix(t, "*")) {
				return true
			}
		case mt == t:
			return true
		}
	}
	return false
}

// MaxCSVRows bounds one CSV import.
const MaxCSVRows = 5000

// CSVRow is one row of a candidate CSV file with what is wrong with it.
type CSVRow struct {
	Line   int
	Person Person
	Error  string
	// Existing is the candidate the row's person already is on the posting
	// (set by MarkExisting): the import skips the row.
	Existing *model.Candidate
}

// ParseCSV reads a CSV file with a header row naming at least first_name,
// last_name and email (phone optional; also "first name", "First Name" …),
// separated by commas. Every row is checked; rows with problems carry an Error.
func ParseCSV(r io.Reader) ([]CSVRow, error) {
	return parseCSV(r, ',')
}

// ParseUpload decodes an uploaded file (see DecodeCSV) and parses it; it
// returns the file as UTF-8 text, to carry to the confirmation.
func ParseUpload(raw []byte) ([]CSVRow, string, CSVFormat, error) {
	text, f := DecodeCSV(raw)
	rows, err := parseCSV(strings.NewReader(text), f.Separator)
	if err != nil {
		err = apperror.Field("file", "%s (The file was read as %s.)", apperror.Message(err), f)
	}
	return rows, text, f, err
}

func parseCSV(r io.Reader, sep rune) ([]CSVRow, error) {
	cr := csv.NewReader(r)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperror.Field("file", "The file is empty.")
	}
	if err != nil {
		return nil, apperror.Field("file", "The file is not valid CSV: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[strings.NewReplacer(" ", "_", "-", "_").Replace(h)] = i
	}
	for _, need := range []string{"first_name", "last_name", "email"} {
		if _, ok := col[need]; !ok {
			return nil, apperror.Field("file", "The header row must name the columns first_name, last_name and email (phone is optional); %s is missing.", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []CSVRow
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			rows = append(rows, CSVRow{Line: line, Error: fmt.Sprintf("not valid CSV: %v", err)})
			if len(rows) > MaxCSVRows {
				break
			}
			continue
		}
		if len(rows) == MaxCSVRows {
			return nil, apperror.Field("file", "The file has more than %d rows; split it.", MaxCSVRows)
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row := CSVRow{Line: line, Person: Person{FirstName: get(rec, "first_name"), LastName: get(rec, "last_name"), Email: get(rec, "email"), Phone: get(rec, "phone")}}
		if err := row.Person.Validate(); err != nil {
			row.Error = apperror.Message(err)
		} else if prev, dup := seen[row.Person.Email]; dup {
			row.Error = fmt.Sprintf("the email %s is also on line %d", row.Person.Email, prev)
		} else {
			seen[row.Person.Email] = line
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, apperror.Field("file", "The file has a header but no candidates.")
	}
	return rows, nil
}

// ImportCSV adds every row as a candidate and mails each their link, all in
// one transaction: if any row has a problem, nothing is added. A row whose
// person already is a candidate of the posting is skipped (no second link,
// no second invitation) and returned in skipped.
func (s *Service) ImportCSV(ctx context.Context, actor model.Actor, postingID int64, rows []CSVRow) (added, skipped []*model.Candidate, err error) {
	bad := 0
	for _, r := range rows {
		if r.Error != "" {
			bad++
		}
	}
	if bad > 0 {
		return nil, nil, apperror.New(apperror.Invalid, "%d of %d rows have problems; nothing was imported.", bad, len(rows))
	}
	err = s.Store.Tx(ctx, func(tx *sql.Tx) error {
		added, skipped = nil, nil
		for _, r := range rows {
			c, err := s.AddTx(ctx, actor, tx, postingID, r.Person, AddOptions{Source: model.SourceManual, SendEmail: true})
			var dup *Duplicate
			if errors.As(err, &dup) {
				skipped = append(skipped, dup.Existing)
				continue
			}
			if err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
			added = append(added, c)
		}
		return nil
	})
	return added, skipped, err
}
