package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/acanban/acanban/internal/domain"
)

// benchSite makes a project of ada's with tasks tasks and, on task 1, a
// thread of comments comments, and returns a request builder for ada.
func benchSite(b *testing.B, tasks, comments int) (*site, func(path string) *http.Request) {
	b.Helper()
	t := &testing.T{}
	s := newSite(t, domain.RegistrationOpen)
	ctx := context.Background()
	ada := s.register(t, "ada", "student")
	ada.post("/p/create", form("name", "Bench", "description", "A **board** for benchmarks"))
	a, err := s.srv.Projects.Open(ctx, mustUser(b, s, "ada"), 1)
	if err != nil {
		b.Fatal(err)
	}
	for i := range tasks {
		name := fmt.Sprintf("Task number %d with a realistic name", i+1)
		st := domain.Statuses[i%3]
		if _, err := s.srv.Projects.CreateTask(ctx, a, domain.TaskDraft{Name: &name, Status: &st}); err != nil {
			b.Fatal(err)
		}
	}
	var parent int64
	for i := range comments {
		c, err := s.srv.Projects.Comment(ctx, a, 1, fmt.Sprintf("Comment %d with **Markdown**, a [link](https://example.org), @ada and #2.", i), parent)
		if err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			parent = c.ID
		} else {
			parent = 0
		}
	}
	cookie := ada.http.Jar.Cookies(mustURL(s.URL))
	return s, func(path string) *http.Request {
		r := httptest.NewRequest("GET", path, nil)
		for _, c := range cookie {
			r.AddCookie(c)
		}
		return r
	}
}

func mustUser(b *testing.B, s *site, name string) *domain.User {
	u, err := s.srv.Store.UserByUsername(context.Background(), name)
	if err != nil {
		b.Fatal(err)
	}
	return &u
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func benchPage(b *testing.B, tasks, comments int, path string) {
	s, req := benchSite(b, tasks, comments)
	// Check once that the page renders.
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req(path))
	if rec.Code != 200 {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := &discard{h: http.Header{}}
		s.srv.ServeHTTP(w, req(path))
	}
}

// BenchmarkBoard50 renders a board of 50 tasks, whole request path.
func BenchmarkBoard50(b *testing.B) { benchPage(b, 50, 0, "/p/1/tasks") }

// BenchmarkBoard200 renders a board of 200 tasks.
func BenchmarkBoard200(b *testing.B) { benchPage(b, 200, 0, "/p/1/tasks") }

// BenchmarkTaskPage100Comments renders a task with a thread of 100 comments.
func BenchmarkTaskPage100Comments(b *testing.B) { benchPage(b, 3, 100, "/p/1/tasks/1") }

// BenchmarkDashboard renders the dashboard of a member of one project.
func BenchmarkDashboard(b *testing.B) { benchPage(b, 50, 0, "/") }

// BenchmarkLanding renders the landing page for a guest.
func BenchmarkLanding(b *testing.B) {
	s := newSite(&testing.T{}, domain.RegistrationOpen)
	b.ReportAllocs()
	for b.Loop() {
		s.srv.ServeHTTP(&discard{h: http.Header{}}, httptest.NewRequest("GET", "/", nil))
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
