package auth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
	"github.com/acanban/acanban/internal/store/postgres"
	"github.com/acanban/acanban/internal/store/postgres/pgtest"
	"github.com/acanban/acanban/internal/store/sqlite"
)

// BenchmarkSessionLookup looks up a session by its token, as every request
// of a logged-in user does, on each backend.
func BenchmarkSessionLookup(b *testing.B) {
	ctx := context.Background()
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchLookup(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := postgres.Open(ctx, pgtest.Database(b))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchLookup(b, st)
	})
}

func benchLookup(b *testing.B, st store.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	u, err := st.CreateUser(ctx, domain.User{Username: "ada", Name: "Ada", Email: "ada@example.edu", PasswordHash: "h", Role: domain.RoleStudent, Created: now, Updated: now})
	if err != nil {
		b.Fatal(err)
	}
	m := &auth.Sessions{Store: st, Lifetime: time.Hour, RememberLifetime: 24 * time.Hour}
	token, _, err := m.Start(ctx, st, u.ID, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, got, _, err := m.Lookup(ctx, token); err != nil || got.ID != u.ID {
			b.Fatalf("Lookup = %v, %v", got, err)
		}
	}
}
