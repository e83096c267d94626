package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/config"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store/postgres/pgtest"
)

// cuttable is a TCP proxy to the database that a test can cut and restore,
// as a network failure or a database restart would.
type cuttable struct {
	target string
	mu     sync.Mutex
	ln     net.Listener
	addr   string
	conns  []net.Conn
}

func (c *cuttable) start(t *testing.T) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.ln, c.addr = ln, ln.Addr().String()
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

func (c *cuttable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ln.Close()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// With PostgreSQL unreachable, pages answer 503 with a message and /readyz
// fails; when it is back, the site recovers without a restart.
func TestDatabaseOutage(t *testing.T) {
	dbURL := pgtest.Database(t)
	u, _ := url.Parse(dbURL)
	proxy := &cuttable{target: u.Host, addr: "127.0.0.1:0"}
	proxy.start(t)
	u.Host = proxy.addr
	cfg := config.Config{Listen: "127.0.0.1:0", Data: t.TempDir(), Database: u.String(), Registration: domain.RegistrationOpen,
		Location: time.UTC, MaxUpload: 1 << 20, Scale: domain.DefaultScale}
	a, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	defer func() { cancel(); <-done }()
	base := "http://" + <-ready

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		res, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	form := url.Values{"username": {"ada"}, "password": {"password-ada"}, "name": {"Ada"}, "email": {"ada@example.edu"}, "role": {"student"}}
	if res, err := c.PostForm(base+"/register", form); err != nil || res.StatusCode != 303 {
		t.Fatalf("register: %v %v", res, err)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("/readyz with the database up: %d", code)
	}

	proxy.cut()
	if code, _ := get("/readyz"); code != 503 {
		t.Errorf("/readyz with the database down: %d; want 503", code)
	}
	for _, path := range []string{"/", "/p", "/u/ada"} {
		code, body := get(path)
		if code != 503 || !strings.Contains(body, "database is unreachable") {
			t.Errorf("%s with the database down: %d; want 503 saying the database is unreachable", path, code)
		}
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz with the database down: %d; the process is up", code)
	}

	proxy.start(t) // the database is back, at the same address
	deadline := time.Now().Add(10 * time.Second)
	code := 0
	for time.Now().Before(deadline) {
		if code, _ = get("/readyz"); code == 200 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 200 {
		t.Fatalf("/readyz after the database came back: %d", code)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, "Hello, Ada") {
		t.Errorf("dashboard after recovery: %d; want the logged-in dashboard", code)
	}
}

// Two data folders with embedded file stores cannot share one database:
// the second is refused at start.
func TestSharedDatabaseNeedsSharedFiles(t *testing.T) {
	db := pgtest.Database(t)
	cfg := config.Config{Data: t.TempDir(), Database: db, Scale: domain.DefaultScale}
	a, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if a, err = Open(context.Background(), cfg, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("the same data folder again: %v", err)
	}
	a.Close()
	cfg.Data = t.TempDir()
	if _, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "-ipfs-api") {
		t.Errorf("a second data folder on one database: %v; want a refusal naming -ipfs-api", err)
	}
}
