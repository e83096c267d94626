-- An administrator may disable an account: it cannot log in, and its
-- sessions end; everything it wrote stays.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
