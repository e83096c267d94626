package sqlite_test

import (
	"context"
	"database/sql"
	"os"
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

// Users who registered before migration 3 are found by their folded name:
// the Go step of that migration fills the search column.
func TestMigrationFillsUserSearch(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acanban.db")
	// A database at version 2, with a user, as an older binary left it.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"0001_accounts.sql", "0002_login_failures.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_accounts.sql', 'x'), (2, '0002_login_failures.sql', 'x')`,
		`INSERT INTO users (username, name, email, password_hash, role, created_at, updated_at)
			VALUES ('an', 'Nguyễn Văn An', 'an@example.edu', 'h', 'student', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	us, n, err := s.SearchUsers(ctx, store.UserFilter{Query: "nguyen van", Limit: 10})
	if err != nil || n != 1 || len(us) != 1 || us[0].Username != "an" {
		t.Errorf("search for an older user by folded name: %v, %d, %v; want an", us, n, err)
	}
}
