// Package pgtest gives tests a fresh PostgreSQL database on the server that
// scripts/test starts (ACANBAN_TEST_POSTGRES); under CI=true a missing
// server fails the test instead of skipping it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
)

// Server returns the URL of the test server's maintenance database.
func Server(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ACANBAN_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: PostgreSQL is required: set ACANBAN_TEST_POSTGRES or run ./scripts/test, which starts one")
		}
		t.Skip("no PostgreSQL: run ./scripts/test, which starts one, or set ACANBAN_TEST_POSTGRES")
	}
	return base
}

// Database creates an empty database for the test, dropped when it ends,
// and returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	base := Server(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "acanban_test_" + strings.ToLower(rand.Text()[:12])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return fmt.Sprint(u)
}
