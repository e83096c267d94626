-- Nothing for PostgreSQL: its trigram index on users.search (migration
-- 0007) already serves the people search. SQLite's migration of this
-- number adds an FTS5 trigram index. Kept so that both backends count the
-- same versions.
SELECT 1;
