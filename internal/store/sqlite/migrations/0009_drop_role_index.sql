-- The index on users.role led SQLite to visit all the students one by one
-- through it for the people search, slower than a plain scan: a role has
-- too many rows for an index to help.
DROP INDEX IF EXISTS users_role;
