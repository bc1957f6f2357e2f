-- +goose Up
-- Counts kept for the analytics pages without a date range (the posting's
-- funnel, its step medians and p90, its Greenhouse outcomes by score band,
-- the organization overview's figures per posting and weekly activity), so
-- they read a few hundred rows whatever the number of candidates. Triggers on
-- candidates and harvest_outcomes keep them in the transaction of every
-- change. Per posting, kind and key k, n candidates:
--   'f'          k = 1 if started + 2 if completed + 4 if from Greenhouse
--   'wi', 'wc'   k = week (created_at, completed_at / 604 800 000 000 µs)
--   'x'          k = the minute (expires_at / 60 000 000 µs) a sent link
--                lapses: with candidate_counts' days, the expired links are
--                the days before today, today's minutes before now's, and a
--                range count of now's minute (store.keptFunnels)
--   's0'…'s2'    invitation → start in whole seconds (truncated), divided
--                by 1, 256 and 65 536: three levels, so that a rank is found
--                by reading at most a few hundred rows of each level
--   'c0'…'c2'    start → submission, the same way (completed candidates)
--   'o:<status>' k = score band (0–39, 40–59, 60–79, 80–100; store.ScoreBands)
--                of a completed, scored candidate whose application outcome
--                the Harvest connection stored
CREATE TABLE analytics_counts (
    posting_id BIGINT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    k          BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, kind, k)
);
CREATE INDEX analytics_counts_org ON analytics_counts(org_id, kind, k);

INSERT INTO analytics_counts (posting_id, org_id, kind, k, n)
SELECT posting_id, MAX(org_id), kind, k, COUNT(*) FROM (
    SELECT c.posting_id, c.org_id, 'f' AS kind, (CASE WHEN c.started_at IS NOT NULL THEN 1 ELSE 0 END)
        + (CASE WHEN c.status = 'completed' THEN 2 ELSE 0 END) + (CASE WHEN c.source = 'greenhouse' THEN 4 ELSE 0 END) AS k FROM candidates c
    UNION ALL SELECT c.posting_id, c.org_id, 'wi', c.created_at / 604800000000 FROM candidates c
    UNION ALL SELECT c.posting_id, c.org_id, 'x', c.expires_at / 60000000 FROM candidates c WHERE c.status = 'sent'
    UNION ALL SELECT c.posting_id, c.org_id, 'wc', c.completed_at / 604800000000 FROM candidates c WHERE c.completed_at IS NOT NULL
    UNION ALL SELECT c.posting_id, c.org_id, 's' || l.level, ((c.started_at - c.created_at) / 1000000) / l.width
        FROM candidates c, (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE c.started_at IS NOT NULL
    UNION ALL SELECT c.posting_id, c.org_id, 'c' || l.level, ((c.completed_at - c.started_at) / 1000000) / l.width
        FROM candidates c, (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE c.status = 'completed' AND c.started_at IS NOT NULL AND c.completed_at IS NOT NULL
    UNION ALL SELECT c.posting_id, c.org_id, 'o:' || o.status, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END
        FROM candidates c JOIN harvest_outcomes o ON o.org_id = c.org_id AND CAST(o.gh_application_id AS TEXT) = c.gh_application_id
        WHERE c.status = 'completed' AND c.score IS NOT NULL
) x GROUP BY posting_id, kind, k;

-- +goose StatementBegin
CREATE TRIGGER analytics_counts_insert AFTER INSERT ON candidates BEGIN
    INSERT INTO analytics_counts (posting_id, org_id, kind, k, n)
    SELECT NEW.posting_id, NEW.org_id, r.kind, r.k, COUNT(*) FROM (
                SELECT 'f' AS kind, (CASE WHEN NEW.started_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.status = 'completed' THEN 2 ELSE 0 END)
                + (CASE WHEN NEW.source = 'greenhouse' THEN 4 ELSE 0 END) AS k
            UNION ALL SELECT 'wi', NEW.created_at / 604800000000
            UNION ALL SELECT 'x', NEW.expires_at / 60000000 WHERE NEW.status = 'sent'
            UNION ALL SELECT 'wc', NEW.completed_at / 604800000000 WHERE NEW.completed_at IS NOT NULL
            UNION ALL SELECT 's' || l.level, ((NEW.started_at - NEW.created_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE NEW.started_at IS NOT NULL
            UNION ALL SELECT 'c' || l.level, ((NEW.completed_at - NEW.started_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
                WHERE NEW.status = 'completed' AND NEW.started_at IS NOT NULL AND NEW.completed_at IS NOT NULL
            UNION ALL SELECT 'o:' || o.status, CASE WHEN NEW.score >= 80 THEN 3 WHEN NEW.score >= 60 THEN 2 WHEN NEW.score >= 40 THEN 1 ELSE 0 END
                FROM harvest_outcomes o WHERE NEW.status = 'completed' AND NEW.score IS NOT NULL AND NEW.gh_application_id <> ''
                AND o.org_id = NEW.org_id AND o.gh_application_id = CAST(NEW.gh_application_id AS INTEGER) AND CAST(o.gh_application_id AS TEXT) = NEW.gh_application_id
    ) r WHERE true GROUP BY r.kind, r.k
    ON CONFLICT (posting_id, kind, k) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- A delete only lowers existing rows (a cascade from a deleted posting must
-- not insert any).
-- +goose StatementBegin
CREATE TRIGGER analytics_counts_delete AFTER DELETE ON candidates BEGIN
    UPDATE analytics_counts SET n = n - 1 FROM (
                SELECT 'f' AS kind, (CASE WHEN OLD.started_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN OLD.status = 'completed' THEN 2 ELSE 0 END)
                + (CASE WHEN OLD.source = 'greenhouse' THEN 4 ELSE 0 END) AS k
            UNION ALL SELECT 'wi', OLD.created_at / 604800000000
            UNION ALL SELECT 'x', OLD.expires_at / 60000000 WHERE OLD.status = 'sent'
            UNION ALL SELECT 'wc', OLD.completed_at / 604800000000 WHERE OLD.completed_at IS NOT NULL
            UNION ALL SELECT 's' || l.level, ((OLD.started_at - OLD.created_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE OLD.started_at IS NOT NULL
            UNION ALL SELECT 'c' || l.level, ((OLD.completed_at - OLD.started_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
                WHERE OLD.status = 'completed' AND OLD.started_at IS NOT NULL AND OLD.completed_at IS NOT NULL
            UNION ALL SELECT 'o:' || o.status, CASE WHEN OLD.score >= 80 THEN 3 WHEN OLD.score >= 60 THEN 2 WHEN OLD.score >= 40 THEN 1 ELSE 0 END
                FROM harvest_outcomes o WHERE OLD.status = 'completed' AND OLD.score IS NOT NULL AND OLD.gh_application_id <> ''
                AND o.org_id = OLD.org_id AND o.gh_application_id = CAST(OLD.gh_application_id AS INTEGER) AND CAST(o.gh_application_id AS TEXT) = OLD.gh_application_id
    ) r WHERE analytics_counts.posting_id = OLD.posting_id AND analytics_counts.kind = r.kind AND analytics_counts.k = r.k;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER analytics_counts_update AFTER UPDATE OF status, expires_at, started_at, completed_at, created_at, source, posting_id, org_id, score, gh_application_id ON candidates
WHEN OLD.status IS NOT NEW.status OR OLD.expires_at IS NOT NEW.expires_at OR OLD.started_at IS NOT NEW.started_at OR OLD.completed_at IS NOT NEW.completed_at
  OR OLD.created_at IS NOT NEW.created_at OR OLD.source IS NOT NEW.source OR OLD.posting_id IS NOT NEW.posting_id
  OR OLD.org_id IS NOT NEW.org_id OR OLD.score IS NOT NEW.score OR OLD.gh_application_id IS NOT NEW.gh_application_id BEGIN
    INSERT INTO analytics_counts (posting_id, org_id, kind, k, n)
    SELECT posting_id, MAX(org_id), kind, k, SUM(d) FROM (
        SELECT NEW.posting_id AS posting_id, NEW.org_id AS org_id, r.kind AS kind, r.k AS k, 1 AS d FROM (
                        SELECT 'f' AS kind, (CASE WHEN NEW.started_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.status = 'completed' THEN 2 ELSE 0 END)
                    + (CASE WHEN NEW.source = 'greenhouse' THEN 4 ELSE 0 END) AS k
                UNION ALL SELECT 'wi', NEW.created_at / 604800000000
                UNION ALL SELECT 'x', NEW.expires_at / 60000000 WHERE NEW.status = 'sent'
                UNION ALL SELECT 'wc', NEW.completed_at / 604800000000 WHERE NEW.completed_at IS NOT NULL
                UNION ALL SELECT 's' || l.level, ((NEW.started_at - NEW.created_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE NEW.started_at IS NOT NULL
                UNION ALL SELECT 'c' || l.level, ((NEW.completed_at - NEW.started_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
                    WHERE NEW.status = 'completed' AND NEW.started_at IS NOT NULL AND NEW.completed_at IS NOT NULL
                UNION ALL SELECT 'o:' || o.status, CASE WHEN NEW.score >= 80 THEN 3 WHEN NEW.score >= 60 THEN 2 WHEN NEW.score >= 40 THEN 1 ELSE 0 END
                    FROM harvest_outcomes o WHERE NEW.status = 'completed' AND NEW.score IS NOT NULL AND NEW.gh_application_id <> ''
                    AND o.org_id = NEW.org_id AND o.gh_application_id = CAST(NEW.gh_application_id AS INTEGER) AND CAST(o.gh_application_id AS TEXT) = NEW.gh_application_id
        ) r
        UNION ALL
        SELECT OLD.posting_id, OLD.org_id, r.kind, r.k, -1 FROM (
                        SELECT 'f' AS kind, (CASE WHEN OLD.started_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN OLD.status = 'completed' THEN 2 ELSE 0 END)
                    + (CASE WHEN OLD.source = 'greenhouse' THEN 4 ELSE 0 END) AS k
                UNION ALL SELECT 'wi', OLD.created_at / 604800000000
                UNION ALL SELECT 'x', OLD.expires_at / 60000000 WHERE OLD.status = 'sent'
                UNION ALL SELECT 'wc', OLD.completed_at / 604800000000 WHERE OLD.completed_at IS NOT NULL
                UNION ALL SELECT 's' || l.level, ((OLD.started_at - OLD.created_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE OLD.started_at IS NOT NULL
                UNION ALL SELECT 'c' || l.level, ((OLD.completed_at - OLD.started_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
                    WHERE OLD.status = 'completed' AND OLD.started_at IS NOT NULL AND OLD.completed_at IS NOT NULL
                UNION ALL SELECT 'o:' || o.status, CASE WHEN OLD.score >= 80 THEN 3 WHEN OLD.score >= 60 THEN 2 WHEN OLD.score >= 40 THEN 1 ELSE 0 END
                    FROM harvest_outcomes o WHERE OLD.status = 'completed' AND OLD.score IS NOT NULL AND OLD.gh_application_id <> ''
                    AND o.org_id = OLD.org_id AND o.gh_application_id = CAST(OLD.gh_application_id AS INTEGER) AND CAST(o.gh_application_id AS TEXT) = OLD.gh_application_id
        ) r
    ) x WHERE true GROUP BY posting_id, kind, k HAVING SUM(d) <> 0
    ON CONFLICT (posting_id, kind, k) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- An outcome stored, changed or removed moves its candidates' band counts.
-- (status || '': the candidates are found by (org_id, gh_application_id),
-- never by their status, which would scan every completed one.)
-- +goose StatementBegin
CREATE TRIGGER analytics_outcomes_insert AFTER INSERT ON harvest_outcomes BEGIN
    INSERT INTO analytics_counts (posting_id, org_id, kind, k, n)
    SELECT c.posting_id, MAX(c.org_id), 'o:' || NEW.status, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END, COUNT(*) FROM candidates c
    WHERE c.org_id = NEW.org_id AND c.gh_application_id = CAST(NEW.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL GROUP BY c.posting_id, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END
    ON CONFLICT (posting_id, kind, k) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER analytics_outcomes_delete AFTER DELETE ON harvest_outcomes BEGIN
    UPDATE analytics_counts SET n = n - (SELECT COUNT(*) FROM candidates c
        WHERE c.org_id = OLD.org_id AND c.gh_application_id = CAST(OLD.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL AND c.posting_id = analytics_counts.posting_id AND CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END = analytics_counts.k)
    WHERE kind = 'o:' || OLD.status AND posting_id IN (SELECT c.posting_id FROM candidates c WHERE c.org_id = OLD.org_id AND c.gh_application_id = CAST(OLD.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER analytics_outcomes_update AFTER UPDATE OF org_id, gh_application_id, status ON harvest_outcomes
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.gh_application_id IS NOT NEW.gh_application_id OR OLD.status IS NOT NEW.status BEGIN
    UPDATE analytics_counts SET n = n - (SELECT COUNT(*) FROM candidates c
        WHERE c.org_id = OLD.org_id AND c.gh_application_id = CAST(OLD.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL AND c.posting_id = analytics_counts.posting_id AND CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END = analytics_counts.k)
    WHERE kind = 'o:' || OLD.status AND posting_id IN (SELECT c.posting_id FROM candidates c WHERE c.org_id = OLD.org_id AND c.gh_application_id = CAST(OLD.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL);
    INSERT INTO analytics_counts (posting_id, org_id, kind, k, n)
    SELECT c.posting_id, MAX(c.org_id), 'o:' || NEW.status, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END, COUNT(*) FROM candidates c
    WHERE c.org_id = NEW.org_id AND c.gh_application_id = CAST(NEW.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL GROUP BY c.posting_id, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END
    ON CONFLICT (posting_id, kind, k) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER analytics_outcomes_update;
DROP TRIGGER analytics_outcomes_delete;
DROP TRIGGER analytics_outcomes_insert;
DROP TRIGGER analytics_counts_update;
DROP TRIGGER analytics_counts_delete;
DROP TRIGGER analytics_counts_insert;
DROP TABLE analytics_counts;
