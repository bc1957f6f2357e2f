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

-- +goose Down
DROP TRIGGER attempt_times_update;
DROP TRIGGER attempt_times_delete;
DROP TRIGGER attempt_times_insert;
DROP TABLE attempt_times;
