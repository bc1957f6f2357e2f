package store

import (
	"context"
	"encoding/json"
	"fmt"
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
// levels and competency scores) with those of result, its stored scoring
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
