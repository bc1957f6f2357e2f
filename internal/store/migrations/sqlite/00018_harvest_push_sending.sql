-- +goose Up
-- A note push is 'sending' while its POST is (or may be) in flight, and
-- 'uncertain' when a try's outcome is unknown and Greenhouse's notes could
-- not be read to find out: Harvest has no idempotency key, so such a note
-- is posted again only when a person says so. SQLite cannot change a CHECK
-- in place: the table is rebuilt (nothing references it).
CREATE TABLE harvest_pushes_new (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    candidate_id    INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('link', 'result')),
    content_hash    TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'uncertain', 'pushed', 'failed', 'cancelled', 'superseded')),
    tries           INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    note_id         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    pushed_at       INTEGER,
    UNIQUE (candidate_id, kind, fingerprint)
);
INSERT INTO harvest_pushes_new SELECT id, org_id, candidate_id, kind, content_hash, fingerprint, status, tries, last_error, note_id, created_at, updated_at, pushed_at FROM harvest_pushes;
DROP TABLE harvest_pushes;
ALTER TABLE harvest_pushes_new RENAME TO harvest_pushes;
CREATE INDEX harvest_pushes_org ON harvest_pushes(org_id, status);
CREATE INDEX harvest_pushes_status ON harvest_pushes(status, updated_at);

-- +goose Down
UPDATE harvest_pushes SET status = 'failed' WHERE status IN ('sending', 'uncertain');
CREATE TABLE harvest_pushes_old (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    candidate_id    INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('link', 'result')),
    content_hash    TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'pushed', 'failed', 'cancelled', 'superseded')),
    tries           INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    note_id         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    pushed_at       INTEGER,
    UNIQUE (candidate_id, kind, fingerprint)
);
INSERT INTO harvest_pushes_old SELECT * FROM harvest_pushes;
DROP TABLE harvest_pushes;
ALTER TABLE harvest_pushes_old RENAME TO harvest_pushes;
CREATE INDEX harvest_pushes_org ON harvest_pushes(org_id, status);
