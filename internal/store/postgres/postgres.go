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
		ForUpdate:          " FOR UPDATE",
		// One number for Acanban's migrations: concurrent starts migrate once.
		LockMigrations: "SELECT pg_advisory_xact_lock(7265425101)",
		LockKey:        "SELECT pg_advisory_xact_lock(hashtext(?))",
	}
}()

// MaxConns is the size of each instance's connection pool.
const MaxConns = 32

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
