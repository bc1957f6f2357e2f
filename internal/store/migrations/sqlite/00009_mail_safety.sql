-- +goose Up
-- Mail bodies are sealed at rest and purged after the retention period; a
-- delivery in flight is claimed ("sending") so that a crashed try is never
-- sent again blindly ("uncertain": staff decide). SQLite changes a CHECK
-- constraint by rebuilding the table.
CREATE TABLE emails_new (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'logged', 'failed', 'uncertain')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    sealed     INTEGER NOT NULL DEFAULT 0,
    purged_at  INTEGER
);
INSERT INTO emails_new (id, org_id, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at)
SELECT id, org_id, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at FROM emails;
DROP TABLE emails;
ALTER TABLE emails_new RENAME TO emails;
CREATE INDEX emails_created ON emails(created_at);
CREATE INDEX emails_unpurged ON emails(created_at) WHERE purged_at IS NULL;

-- +goose Down
CREATE TABLE emails_old (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'logged', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
);
INSERT INTO emails_old (id, org_id, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at)
SELECT id, org_id, to_addr, subject, text_body, html_body, CASE WHEN status IN ('sending', 'uncertain') THEN 'failed' ELSE status END,
    attempts, last_error, created_at, sent_at FROM emails;
DROP TABLE emails;
ALTER TABLE emails_old RENAME TO emails;
CREATE INDEX emails_created ON emails(created_at);
