-- +goose Up
-- Each attempt's time spent (the sum of its answers' times), kept by a
-- trigger on answers in the transaction of every save, erasure and delete,
-- so the export reads one row per candidate instead of summing the posting's
-- answers. An attempt without a row, or with 0, has no time spent. The row
-- is the attempt's own, so saves of different candidates never share it.
CREATE TABLE attempt_times (
    attempt_id BIGINT PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    total_ms   BIGINT NOT NULL
);
INSERT INTO attempt_times (attempt_id, total_ms)
SELECT attempt_id, SUM(time_spent_ms) FROM answers GROUP BY attempt_id HAVING SUM(time_spent_ms) <> 0;

-- +goose StatementBegin
CREATE FUNCTION attempt_times_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.time_spent_ms <> 0 THEN
        UPDATE attempt_times SET total_ms = total_ms - OLD.time_spent_ms WHERE attempt_id = OLD.attempt_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.time_spent_ms <> 0 THEN
        INSERT INTO attempt_times (attempt_id, total_ms) VALUES (NEW.attempt_id, NEW.time_spent_ms)
        ON CONFLICT (attempt_id) DO UPDATE SET total_ms = attempt_times.total_ms + excluded.total_ms;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER attempt_times_insert AFTER INSERT ON answers
    FOR EACH ROW WHEN (NEW.time_spent_ms <> 0) EXECUTE FUNCTION attempt_times_change();
CREATE TRIGGER attempt_times_delete AFTER DELETE ON answers
    FOR EACH ROW WHEN (OLD.time_spent_ms <> 0) EXECUTE FUNCTION attempt_times_change();
CREATE TRIGGER attempt_times_update AFTER UPDATE OF time_spent_ms, attempt_id ON answers
    FOR EACH ROW WHEN (OLD.time_spent_ms <> NEW.time_spent_ms OR OLD.attempt_id <> NEW.attempt_id) EXECUTE FUNCTION attempt_times_change();

-- Each result's question levels and competency scores as one row of
-- "key=value" pairs (store.ResultLine), written by store.WriteResultFacts
-- with the per-result rows: the export reads it with the candidate instead
-- of pivoting the posting's per-result rows (a sort of a million rows).
CREATE TABLE result_lines (
    attempt_id BIGINT PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    levels     TEXT NOT NULL,
    scores     TEXT NOT NULL
);
INSERT INTO result_lines (attempt_id, levels, scores)
SELECT a.id,
    COALESCE((SELECT string_agg(question_key || '=' || level, ' ') FROM result_questions WHERE attempt_id = a.id), ''),
    COALESCE((SELECT string_agg(competency_key || '=' || CAST(score AS TEXT), ' ') FROM result_competencies WHERE attempt_id = a.id), '')
FROM attempts a
WHERE EXISTS (SELECT 1 FROM result_questions WHERE attempt_id = a.id) OR EXISTS (SELECT 1 FROM result_competencies WHERE attempt_id = a.id);

-- +goose Down
DROP TRIGGER attempt_times_update ON answers;
DROP TRIGGER attempt_times_delete ON answers;
DROP TRIGGER attempt_times_insert ON answers;
DROP FUNCTION attempt_times_change();
DROP TABLE attempt_times;
DROP TABLE result_lines;
