-- Grades (every version kept: the audit trail), adjustments of students'
-- grades, and the publication of a project's results.
CREATE TABLE evaluations (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	criterion  TEXT NOT NULL CHECK (criterion IN ('task', 'outcome', 'report', 'presentation')),
	task_id    INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
	grader_id  INTEGER NOT NULL REFERENCES users (id),
	grade      INTEGER NOT NULL,
	comment    TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	CHECK ((criterion = 'task') = (task_id IS NOT NULL))
);
CREATE INDEX evaluations_project ON evaluations (project_id, id);

CREATE TABLE adjustments (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	student_id INTEGER NOT NULL REFERENCES users (id),
	delta      INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	by_id      INTEGER NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX adjustments_project ON adjustments (project_id, id);

ALTER TABLE projects ADD COLUMN published_at TIMESTAMP;
