-- Claims on shared things, such as which data folder's embedded file store
-- goes with this database.
CREATE TABLE claims (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
