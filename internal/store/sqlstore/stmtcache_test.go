package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // a real database; the sqlite package cannot be imported here (it imports this one)
)

func openCached(t *testing.T, conns int) queries {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(conns)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (k INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	noConflict := func(error) (string, bool) { return "", false }
	return queries{db: db, d: &Dialect{Name: "test", ConflictField: noConflict}, stmts: &stmtCache{db: db}}
}

func (c *stmtCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Transactions that hold every connection of the pool run queries never
// seen before: preparing them must not wait for a connection (it would
// wait for ever), and they are prepared for later in the background.
func TestStmtCacheInTransactions(t *testing.T) {
	q := openCached(t, 2)
	ctx := context.Background()
	const n = 12
	done := make(chan error, 1)
	go func() {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- q.atomic(ctx, func(q queries) error {
					if _, err := q.exec(ctx, fmt.Sprintf(`INSERT INTO t (k) VALUES (?) -- %d`, i), i); err != nil {
						return err
					}
					var k int
					if err := q.queryRow(ctx, fmt.Sprintf(`SELECT k FROM t WHERE k = ? -- %d`, i), i).Scan(&k); err != nil || k != i {
						return fmt.Errorf("read back %d: %d, %v", i, k, err)
					}
					return nil
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // a deadlock guard, not a timing assertion
		t.Fatal("transactions preparing new statements are stuck")
	}
	// The background preparations of the inserts end, and the next
	// transactions use them (the selects, which return rows, are not
	// prepared in transactions).
	for deadline := time.Now().Add(10 * time.Second); q.stmts.size() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d statements prepared in the background; want %d", q.stmts.size(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	err := q.atomic(ctx, func(q queries) error {
		_, err := q.exec(ctx, `INSERT INTO t (k) VALUES (?) -- 3`, 100)
		return err
	})
	var count int
	if err == nil {
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM t`).Scan(&count)
	}
	if err != nil || count != n+1 {
		t.Errorf("after a prepared insert in a transaction: %d rows, %v; want %d", count, err, n+1)
	}
}

// Past maxStatements the queries still run, prepared each time.
func TestStmtCacheBound(t *testing.T) {
	q := openCached(t, 2)
	ctx := context.Background()
	// A bad query is not kept and reports its error.
	if _, err := q.exec(ctx, `INSERT INTO missing VALUES (1)`); err == nil {
		t.Error("a query of a missing table ran")
	}
	if n := q.stmts.size(); n != 0 {
		t.Errorf("%d statements kept after a bad query; want 0", n)
	}
	for i := range maxStatements + 20 {
		var got int
		if err := q.queryRow(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&got); err != nil || got != i {
			t.Fatalf("SELECT %d = %d, %v", i, got, err)
		}
	}
	if n := q.stmts.size(); n != maxStatements {
		t.Errorf("%d statements kept; want %d", n, maxStatements)
	}
	q.stmts.close()
	var got int
	if err := q.queryRow(ctx, `SELECT 7`).Scan(&got); err != nil || got != 7 {
		t.Errorf("after closing the cache, SELECT 7 = %d, %v", got, err)
	}
	if n := q.stmts.size(); n != 0 {
		t.Errorf("%d statements kept after closing", n)
	}
}

// A query run again in a transaction while the rows of its first run are
// open gets its own statement (a shared one would be reset under the
// first rows).
func TestStmtCacheSameQueryTwiceInTransaction(t *testing.T) {
	q := openCached(t, 2)
	ctx := context.Background()
	for i := range 3 {
		if _, err := q.exec(ctx, `INSERT INTO t (k) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	const sel = `SELECT k FROM t ORDER BY k`
	var one int
	if err := q.queryRow(ctx, sel).Scan(&one); err != nil { // prepared and kept, outside a transaction
		t.Fatal(err)
	}
	err := q.atomic(ctx, func(q queries) error {
		outer, err := q.query(ctx, sel)
		if err != nil {
			return err
		}
		defer outer.Close()
		pairs := 0
		for outer.Next() {
			inner, err := q.query(ctx, sel)
			if err != nil {
				return err
			}
			for inner.Next() {
				if pairs++; pairs > 100 { // the rows went round again: the statement was reset
					inner.Close()
					return fmt.Errorf("more than 100 pairs of 3 rows")
				}
			}
			if err := inner.Close(); err != nil {
				return err
			}
		}
		if err := outer.Err(); err != nil {
			return err
		}
		// Two rows of the same query, both open before either is read.
		r1, r2 := q.queryRow(ctx, sel), q.queryRow(ctx, sel)
		var a, b int
		if err := r1.Scan(&a); err != nil {
			return err
		}
		if err := r2.Scan(&b); err != nil {
			return err
		}
		if pairs != 9 || a != 0 || b != 0 {
			return fmt.Errorf("%d pairs, first rows %d and %d; want 9 pairs and 0, 0", pairs, a, b)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// Closing the store while a call waits for a connection held by a
// transaction ends: the waiting call fails, and the transaction can still
// run its next statement and finish.
func TestStmtCacheCloseWhileWaiting(t *testing.T) {
	q := openCached(t, 1)
	s := &Store{queries: q, db: q.db.(*sql.DB)}
	ctx := context.Background()
	const ins = `INSERT INTO t (k) VALUES (?)`
	if _, err := q.exec(ctx, ins, 0); err != nil { // prepared and kept
		t.Fatal(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() {
		_, err := q.exec(ctx, ins, 1) // waits for the one connection
		waiting <- err
	}()
	time.Sleep(100 * time.Millisecond) // let it wait
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(100 * time.Millisecond) // let Close begin
	inTx := queries{db: tx, d: q.d, stmts: q.stmts}
	finished := make(chan error, 1)
	go func() {
		_, err := inTx.exec(ctx, ins, 2)
		tx.Rollback()
		finished <- err
	}()
	for _, c := range []struct {
		name string
		ch   chan error
	}{{"the transaction", finished}, {"the waiting call", waiting}, {"Close", closed}} {
		select {
		case err := <-c.ch:
			t.Logf("%s: %v", c.name, err)
		case <-time.After(20 * time.Second): // a deadlock guard, not a timing assertion
			t.Fatalf("%s is stuck after Close", c.name)
		}
	}
}
