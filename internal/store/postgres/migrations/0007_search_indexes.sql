-- Trigram indexes make the substring searches of /p?q= and /u?q= fast on
-- large sites (pg_trgm ships with PostgreSQL and is a trusted extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX projects_search_trgm ON projects USING gin (search gin_trgm_ops);
CREATE INDEX users_search_trgm ON users USING gin (search gin_trgm_ops);
