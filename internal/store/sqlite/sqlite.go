// Package sqlite is the embedded store.Store backend: one SQLite file in the
// data folder, through the pure-Go modernc.org/sqlite driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/acanban/acanban/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect tells sqlstore how SQLite differs.
var dialect = func() *sqlstore.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	return &sqlstore.Dialect{Name: "sqlite", ConflictField: conflictField, Migrations: sub, UserSearchFTS: "users_search", PrepareStatements: true}
}()

// Open opens (creating if needed) the database file at path and applies
// pending migrations. Every connection runs in WAL mode with foreign keys on,
// a busy timeout, and write transactions that take the lock when they begin
// (BEGIN IMMEDIATE), so concurrent writers wait for each other instead of
// failing.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	return open(ctx, path, "FULL")
}

// open is Open with SQLite's synchronous setting: FULL syncs the log at
// each commit, so that a power cut loses no acknowledged write; NORMAL,
// measured against it (BenchmarkWriteSync), may lose the last ones.
func open(ctx context.Context, path, synchronous string) (*sqlstore.Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: database path %q must not contain ? or #", path)
	}
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(" + synchronous + ")",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// conflictField reads the column out of "UNIQUE constraint failed: users.email".
func conflictField(err error) (string, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return "", false
	}
	if e.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && e.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return "", false
	}
	msg := e.Error()
	i := strings.LastIndex(msg, ".")
	if i < 0 {
		return "unknown", true
	}
	field := msg[i+1:]
	if j := strings.IndexAny(field, " ,)"); j >= 0 {
		field = field[:j]
	}
	return field, true
}
