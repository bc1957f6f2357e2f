-- +goose Up
-- PostgreSQL counts a candidate in its transaction's shard (00020 there), so
-- that concurrent imports cannot deadlock on candidate_counts. SQLite has one
-- writer at a time and cannot deadlock: it keeps the id's shard. Only the
-- sum over shards means anything, on both. Nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
