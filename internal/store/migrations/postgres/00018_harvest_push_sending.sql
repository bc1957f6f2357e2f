-- +goose Up
-- A note push is 'sending' while its POST is (or may be) in flight, and
-- 'uncertain' when a try's outcome is unknown and Greenhouse's notes could
-- not be read to find out: Harvest has no idempotency key, so such a note
-- is posted again only when a person says so.
ALTER TABLE harvest_pushes DROP CONSTRAINT harvest_pushes_status_check;
ALTER TABLE harvest_pushes ADD CONSTRAINT harvest_pushes_status_check
    CHECK (status IN ('pending', 'sending', 'uncertain', 'pushed', 'failed', 'cancelled', 'superseded'));
CREATE INDEX harvest_pushes_status ON harvest_pushes(status, updated_at);

-- +goose Down
DROP INDEX harvest_pushes_status;
UPDATE harvest_pushes SET status = 'failed' WHERE status IN ('sending', 'uncertain');
ALTER TABLE harvest_pushes DROP CONSTRAINT harvest_pushes_status_check;
ALTER TABLE harvest_pushes ADD CONSTRAINT harvest_pushes_status_check
    CHECK (status IN ('pending', 'pushed', 'failed', 'cancelled', 'superseded'));
