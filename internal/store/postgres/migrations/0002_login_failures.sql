-- Failed logins, for throttling password guessing (shared by every instance).
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
