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
	// The background preparations end, and the next transactions use them.
	for deadline := time.Now().Add(10 * time.Second); q.stmts.size() < 2*n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d statements prepared in the background; want %d", q.stmts.size(), 2*n)
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
