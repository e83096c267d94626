-- Nothing for SQLite: its searches scan the folded text (PostgreSQL's
-- migration of this number adds trigram indexes). Kept so that both
-- backends count the same versions.
SELECT 1;
