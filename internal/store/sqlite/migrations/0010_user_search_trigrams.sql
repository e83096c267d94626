-- A trigram index of the people search's text, so that a search for a word
-- few people have ("zzz", a rare surname) does not read every user. The
-- search asks it first for at most 1 001 candidates and falls back to
-- reading the rows in username order when more match (common words), where
-- the first page is found early (sqlstore.SearchUsers).
CREATE VIRTUAL TABLE users_search USING fts5(
	search,
	content = 'users',
	content_rowid = 'id',
	tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
	INSERT INTO users_search (rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
	INSERT INTO users_search (users_search, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF search ON users BEGIN
	INSERT INTO users_search (users_search, rowid, search) VALUES ('delete', old.id, old.search);
	INSERT INTO users_search (rowid, search) VALUES (new.id, new.search);
END;

-- Words shorter than a trigram ("ly", "vu") cannot be looked up in it: they
-- are matched by reading the search text, from this narrow index rather
-- than the wide rows (half the time at 100 000 users).
CREATE INDEX users_search_text ON users (search, role);
