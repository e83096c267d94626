package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxStatements bounds the statements kept prepared: queries built at run
// time (a search of n words) are many, and past the bound the rest are
// prepared each time they run.
const maxStatements = 512

// stmtCache keeps statements prepared on a *sql.DB by their text;
// database/sql prepares each on a connection the first time it runs there.
type stmtCache struct {
	db *sql.DB

	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool // being prepared in the background
	closed  bool
}

// get returns query prepared, or nil when it is not (yet) and must be run
// unprepared. Outside a transaction a new query is prepared at once; inside
// one (inTx) it is prepared in the background, because preparing takes a
// connection of the pool, which a transaction holding one must not wait
// for.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[query]
	full := len(c.m)+len(c.pending) >= maxStatements
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	if inTx {
		c.mu.Lock()
		start := !c.pending[query] && !c.closed
		if start {
			if c.pending == nil {
				c.pending = make(map[string]bool)
			}
			c.pending[query] = true
		}
		c.mu.Unlock()
		if start {
			go c.prepare(context.Background(), query) // not the request's: it may end first
		}
		return nil
	}
	return c.prepare(ctx, query)
}

// prepare prepares query and keeps it, returning the statement kept, or
// nil if preparing failed (running the query unprepared then reports the
// error, a cancelled ctx included) or the cache is closed.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, query)
	if err != nil {
		return nil
	}
	if kept, ok := c.m[query]; ok || c.closed || len(c.m) >= maxStatements {
		st.Close() // prepared twice at once, or too late
		return kept
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st
}

// close closes the statements; c may be nil.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	m := c.m
	c.m, c.closed = nil, true
	c.mu.Unlock()
	// Closing a statement waits for the calls using it: not under the
	// lock, which those calls may need for their next statement.
	for _, st := range m {
		st.Close()
	}
}
