package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store/sqlstore"
)

// growthSite fills a site with users and projects straight through SQL, in
// one transaction (the web forms would spend an argon2id hash per user),
// and returns a request builder for a member of project 1.
func growthSite(b *testing.B, users, projects, tasks int) (*site, func(string) *http.Request) {
	b.Helper()
	s := newSite(&testing.T{}, domain.RegistrationOpen)
	ctx := context.Background()
	db := s.srv.Store.(*sqlstore.Store).DB()
	now := time.Now().UTC()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range users {
		name := fmt.Sprintf("Student Nguyễn Văn %d", i)
		if _, err := tx.Exec(`INSERT INTO users (username, name, email, password_hash, role, created_at, updated_at, search)
			VALUES (?, ?, ?, 'x', 'student', ?, ?, ?)`, fmt.Sprintf("user%d", i), name, fmt.Sprintf("user%d@example.edu", i),
			now, now, fmt.Sprintf("user%d %s", i, domain.Fold(name))); err != nil {
			b.Fatal(err)
		}
	}
	for p := range projects {
		name := fmt.Sprintf("Project %d about Kanban boards", p)
		if _, err := tx.Exec(`INSERT INTO projects (name, description, created_by, created_at, updated_at, search)
			VALUES (?, 'A description', 1, ?, ?, ?)`, name, now, now, domain.Fold(name+" A description")); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (?, ?, 'student', ?)`,
			p+1, p%users+1, now); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (1, 2, 'student', ?)
		ON CONFLICT DO NOTHING`, now); err != nil {
		b.Fatal(err)
	}
	for n := range tasks {
		if _, err := tx.Exec(`INSERT INTO tasks (project_id, number, name, created_by, status, created_at, updated_at)
			VALUES (1, ?, ?, 1, ?, ?, ?)`, n+1, fmt.Sprintf("Task %d", n+1), []string{"todo", "doing", "done"}[n%3], now, now); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.Exec(`UPDATE projects SET task_seq = ? WHERE id = 1`, tasks); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	u, err := s.srv.Store.UserByID(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := s.srv.Sessions.Start(ctx, s.srv.Store, u.ID, false)
	if err != nil {
		b.Fatal(err)
	}
	return s, func(path string) *http.Request {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		return r
	}
}

// BenchmarkGrowth measures the pages of the growth target at growing sizes:
// dashboard, board, /p?q= and /u?q=.
func BenchmarkGrowth(b *testing.B) {
	for _, size := range []struct{ users, projects, tasks int }{
		{1000, 100, 50}, {10000, 1000, 200}, {100000, 10000, 1000},
	} {
		s, req := growthSite(b, size.users, size.projects, size.tasks)
		for _, page := range []struct {
			name, path string
			fresh      bool // the board's columns rendered, not from the cache
		}{
			{"dashboard", "/", false}, {"board", "/p/1/tasks", false}, {"board-rendered", "/p/1/tasks", true}, {"projects-search", "/p?q=kanban", false},
			{"people-search", "/u?q=nguyen+van+12", false}, {"people-search-rare", "/u?q=zzz", false},
			{"people-search-one", "/u?q=nguyen+van+12345", false}, {"people-search-short", "/u?q=qz", false},
			{"projects-search-rare", "/p?q=zzz", false},
		} {
			name := fmt.Sprintf("%s/users=%d/projects=%d/tasks=%d", page.name, size.users, size.projects, size.tasks)
			b.Run(name, func(b *testing.B) {
				rec := httptest.NewRecorder()
				s.srv.ServeHTTP(rec, req(page.path))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", page.path, rec.Code)
				}
				// The target is a median: each request is timed and the
				// p50 reported beside the mean (ns/op).
				var took []time.Duration
				for b.Loop() {
					if page.fresh {
						s.srv.boards.mu.Lock()
						s.srv.boards.m = nil
						s.srv.boards.mu.Unlock()
					}
					start := time.Now()
					s.srv.ServeHTTP(&discard{h: http.Header{}}, req(page.path))
					took = append(took, time.Since(start))
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2])/1e6, "p50-ms")
			})
		}
	}
}
