-- +goose Up
-- candidate_counts: a candidate is counted in its transaction's shard
-- (txid % 16) rather than its id's. Two imports into one posting at the same
-- moment got interleaved ids, so each locked counter rows the other held, in
-- another order: PostgreSQL aborted one as deadlocked. Now one transaction
-- locks one row per posting, status and day; concurrent single creates still
-- spread over sixteen rows. A shard's n may go below zero (a candidate
-- counted in one shard leaves from another); only the sum over shards
-- means anything, and every reader sums. Existing rows stay as they are.
-- +goose StatementBegin
-- A change locks at most two rows of each counter table, always in the
-- order of their keys (candidate_counts first), so transactions that change
-- one candidate each cannot deadlock on them. Both candidate_counts rows are
-- in the transaction's shard, so a transaction that creates many candidates
-- of one posting (an import) locks one row per status and day, whatever
-- their ids.
CREATE OR REPLACE FUNCTION candidate_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_bucket BIGINT;
    new_bucket BIGINT;
    dec BOOLEAN := FALSE;
    inc BOOLEAN := FALSE;
    sdec BOOLEAN := FALSE;
    sinc BOOLEAN := FALSE;
    tx_shard BIGINT := txid_current() % 16;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_bucket := CASE WHEN OLD.status = 'sent' THEN OLD.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_bucket := CASE WHEN NEW.status = 'sent' THEN NEW.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        inc := TRUE;
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        dec := TRUE;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL;
    ELSE
        dec := OLD.status IS DISTINCT FROM NEW.status OR OLD.posting_id IS DISTINCT FROM NEW.posting_id OR old_bucket IS DISTINCT FROM new_bucket;
        inc := dec;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL AND (NEW.status IS DISTINCT FROM 'completed'
            OR NEW.score IS DISTINCT FROM OLD.score OR NEW.posting_id IS DISTINCT FROM OLD.posting_id);
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL AND (OLD.status IS DISTINCT FROM 'completed'
            OR OLD.score IS DISTINCT FROM NEW.score OR OLD.posting_id IS DISTINCT FROM NEW.posting_id);
    END IF;
    IF dec AND inc AND (NEW.posting_id, NEW.status, new_bucket) < (OLD.posting_id, OLD.status, old_bucket) THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, tx_shard, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
        inc := FALSE;
    END IF;
    IF dec THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (OLD.posting_id, OLD.org_id, OLD.status, old_bucket, tx_shard, -1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n - 1;
    END IF;
    IF inc THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, tx_shard, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
    END IF;
    IF sdec AND sinc AND (NEW.posting_id, NEW.score) < (OLD.posting_id, OLD.score) THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
        sinc := FALSE;
    END IF;
    IF sdec THEN
        UPDATE score_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND score = OLD.score;
    END IF;
    IF sinc THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
-- A change locks at most two rows of each counter table, always in the
-- order of their keys (candidate_counts first), so transactions that change
-- one candidate each cannot deadlock on them.
CREATE OR REPLACE FUNCTION candidate_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_bucket BIGINT;
    new_bucket BIGINT;
    dec BOOLEAN := FALSE;
    inc BOOLEAN := FALSE;
    sdec BOOLEAN := FALSE;
    sinc BOOLEAN := FALSE;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_bucket := CASE WHEN OLD.status = 'sent' THEN OLD.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_bucket := CASE WHEN NEW.status = 'sent' THEN NEW.expires_at / 86400000000 ELSE 0 END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        inc := TRUE;
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        dec := TRUE;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL;
    ELSE
        dec := OLD.status IS DISTINCT FROM NEW.status OR OLD.posting_id IS DISTINCT FROM NEW.posting_id OR old_bucket IS DISTINCT FROM new_bucket;
        inc := dec;
        sdec := OLD.status = 'completed' AND OLD.score IS NOT NULL AND (NEW.status IS DISTINCT FROM 'completed'
            OR NEW.score IS DISTINCT FROM OLD.score OR NEW.posting_id IS DISTINCT FROM OLD.posting_id);
        sinc := NEW.status = 'completed' AND NEW.score IS NOT NULL AND (OLD.status IS DISTINCT FROM 'completed'
            OR OLD.score IS DISTINCT FROM NEW.score OR OLD.posting_id IS DISTINCT FROM NEW.posting_id);
    END IF;
    IF dec AND inc AND (NEW.posting_id, NEW.status, new_bucket) < (OLD.posting_id, OLD.status, old_bucket) THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, NEW.id % 16, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
        inc := FALSE;
    END IF;
    IF dec THEN
        UPDATE candidate_counts SET n = n - 1
        WHERE posting_id = OLD.posting_id AND status = OLD.status AND bucket = old_bucket AND shard = OLD.id % 16;
    END IF;
    IF inc THEN
        INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
        VALUES (NEW.posting_id, NEW.org_id, NEW.status, new_bucket, NEW.id % 16, 1)
        ON CONFLICT (posting_id, status, bucket, shard) DO UPDATE SET n = candidate_counts.n + 1;
    END IF;
    IF sdec AND sinc AND (NEW.posting_id, NEW.score) < (OLD.posting_id, OLD.score) THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
        sinc := FALSE;
    END IF;
    IF sdec THEN
        UPDATE score_counts SET n = n - 1 WHERE posting_id = OLD.posting_id AND score = OLD.score;
    END IF;
    IF sinc THEN
        INSERT INTO score_counts (posting_id, score, n) VALUES (NEW.posting_id, NEW.score, 1)
        ON CONFLICT (posting_id, score) DO UPDATE SET n = score_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- The id shards again, recounted, so each row is its candidates again.
DELETE FROM candidate_counts;
INSERT INTO candidate_counts (posting_id, org_id, status, bucket, shard, n)
SELECT posting_id, org_id, status, CASE WHEN status = 'sent' THEN expires_at / 86400000000 ELSE 0 END, id % 16, COUNT(*)
FROM candidates GROUP BY 1, 2, 3, 4, 5;
