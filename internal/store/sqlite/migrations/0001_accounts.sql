-- Accounts, sessions and invitations.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE CHECK (username = lower(username)),
	name          TEXT NOT NULL,
	email         TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('student', 'supervisor', 'judge', 'assistant')),
	department    TEXT NOT NULL DEFAULT '',
	student_id    TEXT NOT NULL DEFAULT '',
	bio           TEXT NOT NULL DEFAULT '',
	is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	remember   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE invites (
	id         TEXT PRIMARY KEY,
	role       TEXT NOT NULL CHECK (role IN ('student', 'supervisor', 'judge', 'assistant')),
	department TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	used_at    TIMESTAMP
);
