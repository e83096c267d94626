-- The index on users.role helps no query (a role has too many rows);
-- SQLite's migration of this number drops it for speed, this one to match.
DROP INDEX IF EXISTS users_role;
