package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/store"
	"github.com/acanban/acanban/internal/store/sqlite"
	"github.com/acanban/acanban/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "acanban.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestPragmas(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "acanban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000", "synchronous": "2",
	} {
		var got string
		if err := s.DB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s; want %s", pragma, got, want)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acanban.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var v1 int
	s.DB().QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&v1)
	if v1 < 1 {
		t.Fatalf("schema version after first open = %d", v1)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	var rows int
	s.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&rows)
	if rows != v1 {
		t.Errorf("after reopening, %d migrations recorded; want %d (each applied once)", rows, v1)
	}
	// A database from a newer binary is refused, not silently used.
	if _, err := s.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future.sql', 'x')"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := sqlite.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("opening a database of a newer schema: err = %v; want a refusal", err)
	}
}
