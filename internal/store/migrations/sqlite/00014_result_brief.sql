-- +goose Up
-- An attempt's result without its per-question scores (scoring.Result.Brief),
-- written with the result: Greenhouse's test_status reads it instead of
-- decoding the whole result on every call.
ALTER TABLE attempts ADD COLUMN result_brief TEXT NOT NULL DEFAULT '';
UPDATE attempts SET result_brief = json_remove(result, '$.questions') WHERE result <> '';

-- +goose Down
ALTER TABLE attempts DROP COLUMN result_brief;
