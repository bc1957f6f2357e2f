-- +goose Up
-- One person is one candidate per posting: a live (not erased) manual
-- candidate's normalised email is unique on its posting. Greenhouse keys its
-- candidates by test id instead. Duplicates already in an older database are
-- kept and marked (duplicate_of = the first one), so the index builds on them.
ALTER TABLE candidates ADD COLUMN duplicate_of INTEGER;
UPDATE candidates SET duplicate_of = (
    SELECT MIN(o.id) FROM candidates o
    WHERE o.posting_id = candidates.posting_id AND o.source = 'manual' AND o.erased_at IS NULL
      AND LOWER(TRIM(o.email)) = LOWER(TRIM(candidates.email)) AND o.id < candidates.id)
WHERE source = 'manual' AND erased_at IS NULL;
CREATE UNIQUE INDEX candidates_posting_email ON candidates(posting_id, (LOWER(TRIM(email))))
    WHERE source = 'manual' AND erased_at IS NULL AND duplicate_of IS NULL;

-- +goose Down
DROP INDEX candidates_posting_email;
ALTER TABLE candidates DROP COLUMN duplicate_of;
