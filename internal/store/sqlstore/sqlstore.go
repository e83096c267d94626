// Package sqlstore implements store.Store over database/sql with plain,
// parameterised SQL shared by every SQL backend. A Dialect carries what
// differs between them: placeholders, error codes and migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/acanban/acanban/internal/store"
)

// Dialect is what a backend tells sqlstore about its database.
type Dialect struct {
	// Name is the backend's name, for messages.
	Name string
	// DollarPlaceholders: the database wants $1, $2 … instead of ?.
	DollarPlaceholders bool
	// ConflictField returns the field whose uniqueness err broke, if err
	// is a unique-constraint violation.
	ConflictField func(err error) (field string, ok bool)
	// Migrations holds NNNN_name.sql files applied in order of NNNN.
	Migrations fs.FS
	// ForUpdate is appended to a SELECT that reads a row about to be
	// changed in the same transaction, to lock it (" FOR UPDATE"); empty
	// where transactions already exclude each other, as in SQLite.
	ForUpdate string
	// LockMigrations, if set, runs in the migration transaction before
	// anything else, to keep concurrent starts from racing.
	LockMigrations string
	// Retryable, if set, reports an error after which a transaction may
	// be run again (a lost deadlock).
	Retryable func(error) bool
	// LockKey, if set, is a statement taking a lock named by its one
	// argument until the transaction ends (PostgreSQL: an advisory lock);
	// empty where transactions already exclude each other, as in SQLite.
	LockKey string
	// UserSearchFTS, if set, names an FTS5 trigram table over users.search
	// (SQLite), asked first by the people search for the few users a rare
	// word matches; empty where an index on users.search serves substring
	// searches by itself (PostgreSQL's pg_trgm).
	UserSearchFTS string
	// PrepareStatements: keep each query prepared on each connection
	// instead of parsing it on every call (modernc's SQLite parses anew;
	// pgx already caches its statements).
	PrepareStatements bool
}

// DB is the part of *sql.DB and *sql.Tx the queries use.
type DB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is a store.Store over a *sql.DB.
type Store struct {
	queries
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// New wraps db, which the Store then owns, and applies pending migrations.
func New(ctx context.Context, db *sql.DB, d *Dialect) (*Store, error) {
	s := &Store{queries: queries{db: db, d: d}, db: db}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	if d.PrepareStatements {
		s.stmts = &stmtCache{db: db}
	}
	return s, nil
}

// DB returns the underlying database, for backend-specific tests.
func (s *Store) DB() *sql.DB { return s.db }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error {
	// The database first: it fails the calls waiting for a connection,
	// which hold their statement open and would keep it from closing.
	err := s.db.Close()
	s.stmts.close()
	return err
}

// Atomic runs fn in one transaction. A transaction that lost a deadlock is
// run again, up to three times: fn must only write through q and set
// variables it sets again on each run.
func (s *Store) Atomic(ctx context.Context, fn func(q store.Queries) error) (err error) {
	for attempt := 0; ; attempt++ {
		err = s.atomicOnce(ctx, fn)
		if err == nil || s.d.Retryable == nil || !s.d.Retryable(err) || attempt == 2 {
			return err
		}
	}
}

func (s *Store) atomicOnce(ctx context.Context, fn func(q store.Queries) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(queries{db: tx, d: s.d, stmts: s.stmts}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", s.d.Name, s.wrap(err))
	}
	return nil
}

// queries implements store.Queries on a DB or a transaction.
type queries struct {
	db    DB
	d     *Dialect
	stmts *stmtCache // nil: every query is prepared when run
}

// rebound caches queries rewritten with $n placeholders. Queries built at
// run time (a search of n words) are many: past maxRebound the cache stops
// growing and the rest are rewritten each time.
var (
	rebound      sync.Map // query → query with $n placeholders
	reboundCount atomic.Int64
)

const maxRebound = 1024

// q adapts a query written with ? placeholders to the dialect.
func (q queries) q(query string) string {
	if !q.d.DollarPlaceholders {
		return query
	}
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	if reboundCount.Add(1) <= maxRebound {
		rebound.Store(query, b.String())
	}
	return b.String()
}

func (q queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.prepared(ctx, query, false); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, q.wrap(err)
	}
	res, err := q.db.ExecContext(ctx, q.q(query), args...)
	return res, q.wrap(err)
}

func (q queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.prepared(ctx, query, true); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.db.QueryRowContext(ctx, q.q(query), args...)
}

func (q queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.prepared(ctx, query, true); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, q.wrap(err)
	}
	rows, err := q.db.QueryContext(ctx, q.q(query), args...)
	return rows, q.wrap(err)
}

// prepared returns query prepared, within q's transaction if any, or nil
// when statements are not kept or the cache is full. In a transaction only
// statements returning no rows (rows false) are taken from the cache: all
// uses of a statement in a transaction share one SQLite statement on its
// connection, and a second run of a query while rows of the first are
// still open would reset it under them.
func (q queries) prepared(ctx context.Context, query string, rows bool) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	tx, inTx := q.db.(*sql.Tx)
	if inTx && rows {
		return nil
	}
	st := q.stmts.get(ctx, q.q(query), inTx)
	if st == nil {
		return nil
	}
	if inTx {
		return tx.StmtContext(ctx, st) // closed with the transaction
	}
	return st
}

// wrap turns driver errors into the store's errors.
func (q queries) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	}
	if field, ok := q.d.ConflictField(err); ok {
		return fmt.Errorf("%w: %v", &store.ConflictError{Field: field}, err)
	}
	return err
}

// atomic runs fn in a transaction of its own when q is not already in
// one: the methods made of several statements use it so that they are
// atomic whether or not the caller wrapped them in Store.Atomic.
func (q queries) atomic(ctx context.Context, fn func(q queries) error) (err error) {
	db, ok := q.db.(*sql.DB)
	if !ok {
		return fn(q) // already in a transaction
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", q.d.Name, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(queries{db: tx, d: q.d, stmts: q.stmts}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", q.d.Name, q.wrap(err))
	}
	return nil
}

// Lock takes the lock named key until the end of the transaction, so that
// transactions reading then writing the same thing run one at a time.
func (q queries) Lock(ctx context.Context, key string) error {
	if q.d.LockKey == "" {
		return nil
	}
	if _, err := q.exec(ctx, q.d.LockKey, key); err != nil {
		return fmt.Errorf("lock %s: %w", key, err)
	}
	return nil
}

// asConflict reports whether err is a conflict, setting *ce.
func asConflict(err error, ce **store.ConflictError) bool { return errors.As(err, ce) }

// mustAffect returns ErrNotFound when res changed no row.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
