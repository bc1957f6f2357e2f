-- +goose Up
-- Each attempt's time spent (the sum of its answers' times), kept by
-- triggers on answers in the transaction of every save, erasure and delete,
-- so the export reads one row per candidate instead of summing the posting's
-- answers. An attempt without a row, or with 0, has no time spent.
CREATE TABLE attempt_times (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    total_ms   INTEGER NOT NULL
);
INSERT INTO attempt_times (attempt_id, total_ms)
SELECT attempt_id, SUM(time_spent_ms) FROM answers GROUP BY attempt_id HAVING SUM(time_spent_ms) <> 0;

-- +goose StatementBegin
CREATE TRIGGER attempt_times_insert AFTER INSERT ON answers WHEN NEW.time_spent_ms <> 0 BEGIN
    INSERT INTO attempt_times (attempt_id, total_ms) VALUES (NEW.attempt_id, NEW.time_spent_ms)
    ON CONFLICT (attempt_id) DO UPDATE SET total_ms = total_ms + excluded.total_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attempt_times_delete AFTER DELETE ON answers WHEN OLD.time_spent_ms <> 0 BEGIN
    UPDATE attempt_times SET total_ms = total_ms - OLD.time_spent_ms WHERE attempt_id = OLD.attempt_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attempt_times_update AFTER UPDATE OF time_spent_ms, attempt_id ON answers
WHEN OLD.time_spent_ms <> NEW.time_spent_ms OR OLD.attempt_id <> NEW.attempt_id BEGIN
    UPDATE attempt_times SET total_ms = total_ms - OLD.time_spent_ms WHERE attempt_id = OLD.attempt_id;
    INSERT INTO attempt_times (attempt_id, total_ms) VALUES (NEW.attempt_id, NEW.time_spent_ms)
    ON CONFLICT (attempt_id) DO UPDATE SET total_ms = total_ms + excluded.total_ms;
END;
-- +goose StatementEnd

-- Each result's question levels and competency scores as one row of
-- "key=value" pairs (store.ResultLine), written by store.WriteResultFacts
-- with the per-result rows: the export reads it with the candidate instead
-- of pivoting the posting's per-result rows (a sort of a million rows).
CREATE TABLE result_lines (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    levels     TEXT NOT NULL,
    scores     TEXT NOT NULL
);
INSERT INTO result_lines (attempt_id, levels, scores)
SELECT a.id,
    COALESCE((SELECT group_concat(question_key || '=' || level, ' ') FROM result_questions WHERE attempt_id = a.id), ''),
    COALESCE((SELECT group_concat(competency_key || '=' || printf('%!.17g', score), ' ') FROM result_competencies WHERE attempt_id = a.id), '')
FROM attempts a
WHERE EXISTS (SELECT 1 FROM result_questions WHERE attempt_id = a.id) OR EXISTS (SELECT 1 FROM result_competencies WHERE attempt_id = a.id);

-- +goose Down
DROP TRIGGER attempt_times_update;
DROP TRIGGER attempt_times_delete;
DROP TRIGGER attempt_times_insert;
DROP TABLE attempt_times;
DROP TABLE result_lines;
