package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/config"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/proctest"
)

// The server removes the blocks no file record names, and only when the
// database is the one the data folder's files were recorded in: with
// another (a mistaken -database, an empty one), every block would look
// unused.
func TestCollectFiles(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	var logs proctest.Buffer
	open := func() *App {
		t.Helper()
		a, err := Open(ctx, config.Config{Data: data, Scale: domain.DefaultScale}, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	orphan, err := a.Files.Add(ctx, "refused.txt", bytes.NewReader([]byte("an upload refused after its bytes were stored")))
	if err != nil {
		t.Fatal(err)
	}
	a.collectFiles(ctx) // added a moment ago: kept
	if has, _ := a.Files.Has(ctx, orphan.CID); !has {
		t.Fatal("a block added a moment ago was removed")
	}
	a.Close()

	// After a restart, the orphan is past its grace; but the data folder
	// says its files belong to another database: nothing is removed.
	if err := os.WriteFile(filepath.Join(data, filesDatabaseFile), []byte("another database"), 0o600); err != nil {
		t.Fatal(err)
	}
	a = open()
	a.collectFiles(ctx)
	if has, _ := a.Files.Has(ctx, orphan.CID); !has {
		t.Error("blocks were collected against another database")
	}
	if !strings.Contains(logs.String(), "used with another database") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
	a.Close()

	// With the folder's record gone, the database is taken as the right
	// one, and the orphan goes.
	os.Remove(filepath.Join(data, filesDatabaseFile))
	a = open()
	defer a.Close()
	a.collectFiles(ctx)
	if has, _ := a.Files.Has(ctx, orphan.CID); has {
		t.Error("the orphan block is still there")
	}
	if !strings.Contains(logs.String(), "removed unused file blocks") {
		t.Errorf("the removal is not logged:\n%s", logs.String())
	}
}
