package postgres_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/acanban/acanban/internal/store"
	"github.com/acanban/acanban/internal/store/postgres"
	"github.com/acanban/acanban/internal/store/postgres/pgtest"
	"github.com/acanban/acanban/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// Several instances starting at once on one database migrate it once.
func TestConcurrentStarts(t *testing.T) {
	url := pgtest.Database(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent start: %v", err)
		}
	}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	s.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	if n != len(files) {
		t.Errorf("%d migrations recorded; want %d, once each", n, len(files))
	}
}
