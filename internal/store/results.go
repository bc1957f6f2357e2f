package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// resultFacts is the part of a stored scoring result kept as rows.
type resultFacts struct {
	Competencies []struct {
		Key   string  `json:"key"`
		Name  string  `json:"name"`
		Score float64 `json:"score"`
	} `json:"competencies"`
	Questions []struct {
		Key   string `json:"key"`
		Level int    `json:"level"`
	} `json:"questions"`
}

// WriteResultFacts replaces the per-result rows of an attempt (its question
// levels and competency scores, and both as one result_lines row for the
// export) with those of result, its stored scoring
// result ("" or empty: none). UpdateAttempt calls it whenever it stores a
// result, so the rows always equal the decoded result; the analytics read
// them with SQL instead of decoding every result. A key given twice keeps its
// last entry, as decoding into a map does.
func WriteResultFacts(ctx context.Context, q Querier, attemptID int64, result []byte) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM result_questions WHERE attempt_id = $1`, attemptID); err != nil {
		return fmt.Errorf("store: result facts: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM result_competencies WHERE attempt_id = $1`, attemptID); err != nil {
		return fmt.Errorf("store: result facts: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM result_lines WHERE attempt_id = $1`, attemptID); err != nil {
		return fmt.Errorf("store: result facts: %w", err)
	}
	if len(result) == 0 {
		return nil
	}
	var r resultFacts
	if err := json.Unmarshal(result, &r); err != nil {
		return fmt.Errorf("store: result facts of attempt %d: %w", attemptID, err)
	}
	level := map[string]int{}
	var keys []string
	for _, x := range r.Questions {
		if _, ok := level[x.Key]; !ok {
			keys = append(keys, x.Key)
		}
		level[x.Key] = x.Level
	}
	var levels, scores []float64
	for _, k := range keys {
		levels = append(levels, float64(level[k]))
	}
	levelLine := ResultLine(keys, levels)
	if len(keys) > 0 {
		var vals []string
		args := []any{attemptID}
		for _, k := range keys {
			args = append(args, k, level[k])
			vals = append(vals, fmt.Sprintf("($1, $%d, $%d)", len(args)-1, len(args)))
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO result_questions (attempt_id, question_key, level) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("store: result questions: %w", err)
		}
	}
	type comp struct {
		name  string
		score float64
	}
	comps := map[string]comp{}
	keys = keys[:0]
	for _, x := range r.Competencies {
		if _, ok := comps[x.Key]; !ok {
			keys = append(keys, x.Key)
		}
		comps[x.Key] = comp{x.Name, x.Score}
	}
	for _, k := range keys {
		scores = append(scores, comps[k].score)
	}
	if scoreLine := ResultLine(keys, scores); levelLine != "" || scoreLine != "" {
		if _, err := q.ExecContext(ctx, `INSERT INTO result_lines (attempt_id, levels, scores) VALUES ($1, $2, $3)`, attemptID, levelLine, scoreLine); err != nil {
			return fmt.Errorf("store: result lines: %w", err)
		}
	}
	if len(keys) > 0 {
		var vals []string
		args := []any{attemptID}
		for _, k := range keys {
			args = append(args, k, comps[k].name, comps[k].score)
			vals = append(vals, fmt.Sprintf("($1, $%d, $%d, $%d)", len(args)-2, len(args)-1, len(args)))
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO result_competencies (attempt_id, competency_key, name, score) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("store: result competencies: %w", err)
		}
	}
	return nil
}

// ResultLine is how result_lines holds a result's question levels or
// competency scores: "key=value" pairs separated by spaces (keys are
// posting keys, without either), values in Go's shortest exact form.
func ResultLine(keys []string, values []float64) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(values[i], 'g', -1, 64))
	}
	return b.String()
}

// eachInLine calls fn with each key and value of a ResultLine (or of the
// migration's backfill, which writes the same pairs in the database's own
// number format); a value that does not parse is skipped.
func eachInLine(line string, fn func(key string, value float64)) {
	for line != "" {
		var pair string
		pair, line, _ = strings.Cut(line, " ")
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			fn(k, x)
		}
	}
}
