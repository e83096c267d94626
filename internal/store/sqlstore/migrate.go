package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

type migration struct {
	version int
	name    string
	sql     string
}

func (d *Dialect) migrations() ([]migration, error) {
	names, err := fs.Glob(d.Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(d.Migrations, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies the migrations newer than the database, in one
// transaction: an upgrade happens whole or not at all, and concurrent
// starts of several instances (PostgreSQL) wait for each other on the
// dialect's lock. A database newer than this binary is refused.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := s.d.migrations()
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: migrate: %w", s.d.Name, err)
	}
	defer tx.Rollback()
	if s.d.LockMigrations != "" {
		if _, err := tx.ExecContext(ctx, s.d.LockMigrations); err != nil {
			return fmt.Errorf("%s: lock for migrations: %w", s.d.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("%s: create schema_migrations: %w", s.d.Name, err)
	}
	q := queries{db: tx, d: s.d}
	var newest int
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("%s: read schema version: %w", s.d.Name, err)
	}
	if len(ms) > 0 && newest > ms[len(ms)-1].version {
		return fmt.Errorf("%s: the database is at schema version %d, newer than this binary knows (%d): run a newer acanban", s.d.Name, newest, ms[len(ms)-1].version)
	}
	for _, m := range ms {
		if m.version <= newest {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("%s: migration %s: %w", s.d.Name, m.name, err)
		}
		if step, ok := goMigrations[m.version]; ok {
			if err := step(ctx, q); err != nil {
				return fmt.Errorf("%s: migration %s: %w", s.d.Name, m.name, err)
			}
		}
		if _, err := q.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("%s: record migration %s: %w", s.d.Name, m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit migrations: %w", s.d.Name, err)
	}
	return nil
}

// goMigrations are steps that SQL cannot express, run after the SQL
// migration of the same version, in its transaction, on every backend.
var goMigrations = map[int]func(ctx context.Context, q queries) error{
	3: fillUserSearch,
}

// fillUserSearch computes the search text of existing users with
// domain.Fold, which folds diacritics as SQL's lower() cannot.
func fillUserSearch(ctx context.Context, q queries) error {
	rows, err := q.query(ctx, `SELECT id, username, name FROM users`)
	if err != nil {
		return err
	}
	type row struct {
		id             int64
		username, name string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.username, &r.name); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		if _, err := q.exec(ctx, `UPDATE users SET search = ? WHERE id = ?`, userSearch(r.username, r.name), r.id); err != nil {
			return err
		}
	}
	return nil
}
