-- What happened on each project's board, in order: live updates replay it
-- to browsers that reconnect.
CREATE TABLE activity (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	task_number INTEGER NOT NULL DEFAULT 0,
	actor_id    INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX activity_project ON activity (project_id, id);
