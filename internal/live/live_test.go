package live

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/store/postgres/pgtest"
)

func woken(c <-chan struct{}, within time.Duration) bool {
	select {
	case <-c:
		return true
	case <-time.After(within):
		return false
	}
}

func TestHub(t *testing.T) {
	h := NewHub()
	a, stopA := h.Subscribe(1)
	b, stopB := h.Subscribe(2)
	h.Wake(1)
	h.Wake(1) // coalesced
	if !woken(a, time.Second) || woken(b, 50*time.Millisecond) {
		t.Error("Wake(1) did not wake project 1's watcher only")
	}
	if woken(a, 50*time.Millisecond) {
		t.Error("two wakes before a read made two signals")
	}
	h.WakeAll()
	if !woken(a, time.Second) || !woken(b, time.Second) {
		t.Error("WakeAll missed a watcher")
	}
	stopA()
	stopB()
	if h.Watchers() != 0 {
		t.Errorf("%d watchers after stopping all", h.Watchers())
	}
	h.Wake(1) // no watcher: nothing to do, no panic
}

// Two "instances" on one database: a notification sent through one wakes
// the watchers of the other.
func TestPostgresNotifications(t *testing.T) {
	url := pgtest.Database(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hubB := NewHub()
	go Listen(ctx, url, hubB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	watch, stop := hubB.Subscribe(42)
	defer stop()
	woken(watch, 2*time.Second) // the wake of the first connection
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := (Postgres{DB: db}).Notify(ctx, 42); err != nil {
			t.Fatal(err)
		}
		if woken(watch, 200*time.Millisecond) {
			return
		}
	}
	t.Fatal("a notification sent through one connection did not wake the other instance's watcher")
}
