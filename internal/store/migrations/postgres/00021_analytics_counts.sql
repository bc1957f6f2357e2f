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
    -- The writing transaction's shard (txid % 16), as in candidate_counts
    -- (migration 00020): concurrent creates in one posting would otherwise
    -- all wait on the same few rows. Only the sum over shards means anything
    -- (a shard's n may go below zero); every reader sums.
    shard      BIGINT NOT NULL DEFAULT 0,
    n          BIGINT NOT NULL,
    PRIMARY KEY (posting_id, kind, k, shard)
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
-- The rows a candidate adds (none for NULL, as OLD of an insert).
CREATE FUNCTION analytics_rows(c candidates) RETURNS TABLE (kind TEXT, k BIGINT) LANGUAGE sql STABLE AS $$
    SELECT 'f', CAST((CASE WHEN c.started_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN c.status = 'completed' THEN 2 ELSE 0 END)
        + (CASE WHEN c.source = 'greenhouse' THEN 4 ELSE 0 END) AS BIGINT) WHERE c.id IS NOT NULL
    UNION ALL SELECT 'wi', c.created_at / 604800000000 WHERE c.id IS NOT NULL
    UNION ALL SELECT 'x', c.expires_at / 60000000 WHERE c.status = 'sent'
    UNION ALL SELECT 'wc', c.completed_at / 604800000000 WHERE c.completed_at IS NOT NULL
    UNION ALL SELECT 's' || l.level, ((c.started_at - c.created_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l WHERE c.started_at IS NOT NULL
    UNION ALL SELECT 'c' || l.level, ((c.completed_at - c.started_at) / 1000000) / l.width FROM (SELECT 0 AS level, 1 AS width UNION ALL SELECT 1, 256 UNION ALL SELECT 2, 65536) l
        WHERE c.status = 'completed' AND c.started_at IS NOT NULL AND c.completed_at IS NOT NULL
    UNION ALL SELECT 'o:' || o.status, CAST(CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END AS BIGINT)
        FROM harvest_outcomes o WHERE c.status = 'completed' AND c.score IS NOT NULL AND c.gh_application_id ~ '^-?[0-9]{1,18}$'
        AND o.org_id = c.org_id AND o.gh_application_id = CAST(c.gh_application_id AS BIGINT) AND CAST(o.gh_application_id AS TEXT) = c.gh_application_id
$$;
-- +goose StatementEnd
-- +goose StatementBegin
-- One statement a change, locking its rows in key order, so transactions
-- that change one candidate each cannot deadlock on them. A delete only
-- lowers existing rows (a cascade from a deleted posting must not insert any).
CREATE FUNCTION analytics_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE analytics_counts a SET n = a.n - 1 FROM analytics_rows(OLD) r
        WHERE a.posting_id = OLD.posting_id AND a.kind = r.kind AND a.k = r.k
        AND a.shard = (SELECT MIN(b.shard) FROM analytics_counts b WHERE b.posting_id = OLD.posting_id AND b.kind = r.kind AND b.k = r.k);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.status, OLD.expires_at, OLD.started_at, OLD.completed_at, OLD.created_at, OLD.source, OLD.posting_id, OLD.org_id, OLD.score, OLD.gh_application_id)
        IS NOT DISTINCT FROM (NEW.status, NEW.expires_at, NEW.started_at, NEW.completed_at, NEW.created_at, NEW.source, NEW.posting_id, NEW.org_id, NEW.score, NEW.gh_application_id) THEN
        RETURN NULL;
    END IF;
    INSERT INTO analytics_counts (posting_id, org_id, kind, k, shard, n)
    SELECT x.posting_id, MAX(x.org_id), x.kind, x.k, txid_current() % 16, SUM(x.d) FROM (
        SELECT NEW.posting_id AS posting_id, NEW.org_id AS org_id, r.kind, r.k, 1 AS d FROM analytics_rows(NEW) r
        UNION ALL
        SELECT OLD.posting_id, OLD.org_id, r.kind, r.k, -1 FROM analytics_rows(OLD) r WHERE TG_OP = 'UPDATE'
    ) x GROUP BY x.posting_id, x.kind, x.k HAVING SUM(x.d) <> 0 ORDER BY x.posting_id, x.kind, x.k
    ON CONFLICT (posting_id, kind, k, shard) DO UPDATE SET n = analytics_counts.n + excluded.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER analytics_counts_change AFTER INSERT OR DELETE OR UPDATE OF status, expires_at, started_at, completed_at, created_at, source, posting_id, org_id, score, gh_application_id
    ON candidates FOR EACH ROW EXECUTE FUNCTION analytics_counts_change();

-- An outcome stored, changed or removed moves its candidates' band counts.
-- (status || '': the candidates are found by (org_id, gh_application_id),
-- never by their status, which would scan every completed one.)
-- +goose StatementBegin
CREATE FUNCTION analytics_outcomes_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.org_id, OLD.gh_application_id, OLD.status) IS NOT DISTINCT FROM (NEW.org_id, NEW.gh_application_id, NEW.status) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_counts a SET n = a.n - x.n FROM (
            SELECT c.posting_id, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END AS k, COUNT(*) AS n FROM candidates c WHERE c.org_id = OLD.org_id AND c.gh_application_id = CAST(OLD.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL GROUP BY 1, 2
        ) x WHERE a.posting_id = x.posting_id AND a.kind = 'o:' || OLD.status AND a.k = x.k
        AND a.shard = (SELECT MIN(b.shard) FROM analytics_counts b WHERE b.posting_id = x.posting_id AND b.kind = 'o:' || OLD.status AND b.k = x.k);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO analytics_counts (posting_id, org_id, kind, k, shard, n)
        SELECT c.posting_id, MAX(c.org_id), 'o:' || NEW.status, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END, txid_current() % 16, COUNT(*) FROM candidates c
        WHERE c.org_id = NEW.org_id AND c.gh_application_id = CAST(NEW.gh_application_id AS TEXT) AND c.status || '' = 'completed' AND c.score IS NOT NULL GROUP BY c.posting_id, CASE WHEN c.score >= 80 THEN 3 WHEN c.score >= 60 THEN 2 WHEN c.score >= 40 THEN 1 ELSE 0 END ORDER BY 1, 4
        ON CONFLICT (posting_id, kind, k, shard) DO UPDATE SET n = analytics_counts.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER analytics_outcomes_change AFTER INSERT OR DELETE OR UPDATE OF org_id, gh_application_id, status
    ON harvest_outcomes FOR EACH ROW EXECUTE FUNCTION analytics_outcomes_change();

-- +goose Down
DROP TRIGGER analytics_outcomes_change ON harvest_outcomes;
DROP FUNCTION analytics_outcomes_change();
DROP TRIGGER analytics_counts_change ON candidates;
DROP FUNCTION analytics_counts_change();
DROP FUNCTION analytics_rows(candidates);
DROP TABLE analytics_counts;
