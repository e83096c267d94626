// Package postgres is the shared store.Store backend: a PostgreSQL database
// that any number of Acanban instances use at once, through pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql

	"github.com/acanban/acanban/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

var dialect = func() *sqlstore.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	return &sqlstore.Dialect{
		Name:               "postgres",
		DollarPlaceholders: true,
		ConflictField:      conflictField,
		Migrations:         sub,
		// NO KEY: rows referenced by a foreign key being inserted (a file of
		// the project, a comment of the task) only take KEY SHARE locks,
		// which FOR UPDATE would conflict with and deadlock on.
		ForUpdate: " FOR NO KEY UPDATE",
		Retryable: retryable,
		// One number for Acanban's migrations: concurrent starts migrate once.
		LockMigrations: "SELECT pg_advisory_xact_lock(7265425101)",
		LockKey:        "SELECT pg_advisory_xact_lock(hashtext(?))",
	}
}()

// MaxConns is the size of each instance's connection pool. PostgreSQL's
// default max_connections is 100: three instances (16 each, plus one
// listening for live updates) leave room for migrations and psql.
const MaxConns = 16

// Open connects to the database at url (postgres://…) and applies pending
// migrations.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(MaxConns)
	db.SetMaxIdleConns(MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s, err := sqlstore.New(ctx, db, dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Migrate applies pending migrations and closes the connection.
func Migrate(ctx context.Context, url string) error {
	s, err := Open(ctx, url)
	if err != nil {
		return err
	}
	return s.Close()
}

// conflictField reads the column of a unique violation from its constraint
// name: users_email_key → email; a primary key → id.
func conflictField(err error) (string, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return "", false
	}
	name := pe.ConstraintName
	switch {
	case strings.HasSuffix(name, "_pkey"):
		return "id", true
	case strings.HasSuffix(name, "_key"):
		name = strings.TrimSuffix(name, "_key")
		if pe.TableName != "" {
			name = strings.TrimPrefix(name, pe.TableName+"_")
		}
		return name, true
	}
	return name, true
}

// retryable: the transaction lost a deadlock or a serialisation conflict
// and may simply be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
