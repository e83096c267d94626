// Package live wakes the browsers watching a project's board when it
// changes. What changed is in the store (activity); this package only says
// "look again": in process on the embedded store, and through PostgreSQL's
// LISTEN/NOTIFY between instances, so a card moved through one instance
// shows on a board served by another.
package live

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Hub is the watchers of this instance, by project.
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan struct{}]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int64]map[chan struct{}]struct{}{}} }

// Subscribe returns a channel that receives a value whenever project may
// have changed (several changes may make one value), and a function to
// stop.
func (h *Hub) Subscribe(project int64) (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[project] == nil {
		h.subs[project] = map[chan struct{}]struct{}{}
	}
	h.subs[project][c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		delete(h.subs[project], c)
		if len(h.subs[project]) == 0 {
			delete(h.subs, project)
		}
		h.mu.Unlock()
	}
}

// Wake tells the watchers of project to look again.
func (h *Hub) Wake(project int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs[project] {
		select {
		case c <- struct{}{}:
		default: // already awake
		}
	}
}

// WakeAll tells every watcher to look again (after notifications may have
// been missed).
func (h *Hub) WakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for c := range subs {
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
}

// Watchers counts the open subscriptions.
func (h *Hub) Watchers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, subs := range h.subs {
		n += len(subs)
	}
	return n
}

// Notifier announces that a project changed, to every instance.
type Notifier interface {
	Notify(ctx context.Context, project int64) error
}

// Local is the Notifier of a single instance: it wakes its own hub.
type Local struct{ Hub *Hub }

// Notify wakes the project's watchers.
func (l Local) Notify(_ context.Context, project int64) error {
	l.Hub.Wake(project)
	return nil
}

// Channel is the PostgreSQL notification channel of Acanban's changes.
const Channel = "acanban_activity"

// Postgres is the Notifier of many instances on one PostgreSQL database.
type Postgres struct {
	DB *sql.DB
}

// Notify sends the project's ID on the channel; every instance listening,
// this one included, wakes its watchers.
func (p Postgres) Notify(ctx context.Context, project int64) error {
	_, err := p.DB.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, strconv.FormatInt(project, 10))
	return err
}

// Listen receives the notifications of every instance on a connection of
// its own and wakes the hub, until ctx is done. A lost connection is
// opened again; since notifications may have been missed meanwhile, every
// watcher is then woken to look again.
func Listen(ctx context.Context, url string, hub *Hub, log *slog.Logger) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listen(ctx, url, hub, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		log.Warn("live updates: listening for notifications failed; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func listen(ctx context.Context, url string, hub *Hub, connected func()) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	connected()
	hub.WakeAll() // changes may have happened while we were not listening
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			hub.Wake(id)
		}
	}
}
