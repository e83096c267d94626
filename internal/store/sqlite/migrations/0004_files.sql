-- Files (their bytes live in the IPFS store), report and slides revisions,
-- and files handed in as task evidence.
CREATE TABLE files (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	cid         TEXT NOT NULL,
	name        TEXT NOT NULL,
	size        INTEGER NOT NULL CHECK (size >= 0),
	media_type  TEXT NOT NULL,
	uploaded_by INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX files_cid ON files (cid);
CREATE INDEX files_project ON files (project_id);

CREATE TABLE revisions (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	slot       TEXT NOT NULL CHECK (slot IN ('report', 'slides')),
	number     INTEGER NOT NULL,
	file_id    INTEGER NOT NULL REFERENCES files (id),
	UNIQUE (project_id, slot, number)
);

ALTER TABLE tasks ADD COLUMN work_file_id INTEGER REFERENCES files (id);
