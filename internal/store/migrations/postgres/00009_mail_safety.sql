-- +goose Up
-- Mail bodies are sealed at rest and purged after the retention period; a
-- delivery in flight is claimed ("sending") so that a crashed try is never
-- sent again blindly ("uncertain": staff decide).
ALTER TABLE emails DROP CONSTRAINT emails_status_check;
ALTER TABLE emails ADD CONSTRAINT emails_status_check CHECK (status IN ('queued', 'sending', 'sent', 'logged', 'failed', 'uncertain'));
ALTER TABLE emails ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE emails ADD COLUMN purged_at BIGINT;
CREATE INDEX emails_unpurged ON emails(created_at) WHERE purged_at IS NULL;

-- +goose Down
DROP INDEX emails_unpurged;
ALTER TABLE emails DROP COLUMN purged_at;
ALTER TABLE emails DROP COLUMN sealed;
ALTER TABLE emails DROP CONSTRAINT emails_status_check;
ALTER TABLE emails ADD CONSTRAINT emails_status_check CHECK (status IN ('queued', 'sent', 'logged', 'failed'));
