-- Projects, members, judges, tasks with their status history, comments.
ALTER TABLE users ADD COLUMN search TEXT NOT NULL DEFAULT ''; -- filled in Go (sqlstore.goMigrations)
CREATE INDEX users_role ON users (role);

CREATE TABLE projects (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	department  TEXT NOT NULL DEFAULT '',
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	deadline    TIMESTAMP,
	version     INTEGER NOT NULL DEFAULT 1,
	task_seq    INTEGER NOT NULL DEFAULT 0,
	search      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX projects_department ON projects (department);

CREATE TABLE project_members (
	project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	role       TEXT NOT NULL CHECK (role IN ('student', 'supervisor')),
	joined_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members (user_id);

CREATE TABLE project_judges (
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	assigned_by INTEGER NOT NULL REFERENCES users (id),
	assigned_at TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_judges_user ON project_judges (user_id);

CREATE TABLE tasks (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	number      INTEGER NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_by  INTEGER NOT NULL REFERENCES users (id),
	assignee_id INTEGER REFERENCES users (id),
	status      TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done')),
	deadline    TIMESTAMP,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1,
	work_url    TEXT NOT NULL DEFAULT '',
	UNIQUE (project_id, number)
);
CREATE INDEX tasks_assignee ON tasks (assignee_id);

CREATE TABLE task_events (
	id          INTEGER PRIMARY KEY,
	task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
	actor_id    INTEGER NOT NULL REFERENCES users (id),
	at          TIMESTAMP NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id, id);

CREATE TABLE comments (
	id         INTEGER PRIMARY KEY,
	task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
	parent_id  INTEGER REFERENCES comments (id) ON DELETE CASCADE,
	author_id  INTEGER NOT NULL REFERENCES users (id),
	body       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_task ON comments (task_id, id);
