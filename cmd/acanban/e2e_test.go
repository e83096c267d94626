package main

// End-to-end tests: TestMain builds the real acanban binary once, and each
// test drives it as an external process, over real HTTP on 127.0.0.1, with
// its own data folder. They check the acceptance list of the Foundation
// issue from the outside, as a user or an operator would.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/acanban/acanban/internal/proctest"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // read the database file directly, read-only
)

// e2eBin is the acanban binary built by TestMain.
var e2eBin string

func TestMain(m *testing.M) {
	os.Exit(e2eMain(m))
}

func e2eMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "acanban-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	goTool, err := exec.LookPath("go")
	if err != nil {
		if root := os.Getenv("GOROOT"); root != "" {
			goTool = filepath.Join(root, "bin", "go")
		} else {
			fmt.Fprintln(os.Stderr, "e2e: the go command is not on PATH:", err)
			return 1
		}
	}
	e2eBin = filepath.Join(dir, "acanban")
	// The test runs in the package's folder: build the command of this very
	// package from the current module.
	build := exec.Command(goTool, "build", "-o", e2eBin, ".")
	var out bytes.Buffer
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build -o %s . failed: %v\n%s", e2eBin, err, out.String())
		return 1
	}
	return m.Run()
}

// cleanEnv is the test's environment without any ACANBAN_ setting, plus
// extra ("NAME=value").
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACANBAN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// server is a running acanban process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	base   string // http://127.0.0.1:PORT
	data   string
	stderr *proctest.Buffer
	stdout *proctest.Buffer
	done   chan struct{} // closed when the process has exited
}

// serverOpts are the extra flags and environment of a server start.
type serverOpts struct {
	args []string // after -listen and -data
	env  []string // NAME=value, added to a clean environment
}

// launch starts acanban -listen ADDR -data DATA ARGS… and returns at once.
func launch(t *testing.T, addr, data string, o serverOpts) *server {
	t.Helper()
	args := append([]string{"-listen", addr, "-data", data}, o.args...)
	cmd := exec.Command(e2eBin, args...)
	cmd.Env = cleanEnv(o.env...)
	s := &server{t: t, cmd: cmd, addr: addr, base: "http://" + addr, data: data,
		stderr: &proctest.Buffer{}, stdout: &proctest.Buffer{}, done: make(chan struct{})}
	cmd.Stderr, cmd.Stdout = s.stderr, s.stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s %s: %v", e2eBin, strings.Join(args, " "), err)
	}
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if !s.exited() {
			cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("stderr of acanban %s:\n%s", strings.Join(args, " "), s.stderr.String())
		}
	})
	return s
}

// startServer starts a server on a free port and waits until /healthz
// answers 200. It retries on another port if the chosen one was taken in
// the meantime.
func startServer(t *testing.T, data string, o serverOpts) *server {
	t.Helper()
	for attempt := 1; ; attempt++ {
		s := launch(t, freeAddr(t), data, o)
		err := s.waitHealthy(20 * time.Second)
		if err == nil {
			return s
		}
		if s.exited() && strings.Contains(s.stderr.String(), "address already in use") && attempt < 3 {
			continue
		}
		t.Fatalf("acanban -listen %s -data %s %s did not come up: %v\nstderr:\n%s",
			s.addr, data, strings.Join(o.args, " "), err, s.stderr.String())
	}
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// waitHealthy polls /healthz until it answers 200, the process exits or
// the deadline passes.
func (s *server) waitHealthy(timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		if s.exited() {
			return fmt.Errorf("the process exited (%v)", s.cmd.ProcessState)
		}
		resp, err := c.Get(s.base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no 200 from /healthz within %v (last: %v)", timeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitExit waits for the process to exit and returns its exit code (-1
// when a signal killed it), or fails the test after timeout.
func (s *server) waitExit(timeout time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		s.t.Fatalf("acanban (pid %d) still running %v after it should have exited\nstderr:\n%s",
			s.cmd.Process.Pid, timeout, s.stderr.String())
		return 0
	}
}

// kill ends the process with SIGKILL and waits for it.
func (s *server) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatalf("SIGKILL acanban: %v", err)
	}
	s.waitExit(10 * time.Second)
}

// runCLI runs acanban ARGS… to completion and returns its output and exit
// code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e2eBin, args...)
	cmd.Env = cleanEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run acanban %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("acanban %s did not finish within 60s\nstderr:\n%s", strings.Join(args, " "), e.String())
	}
	return o.String(), e.String(), code
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so that tests see the 303s.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{
		Jar:     jar,
		Timeout: 15 * time.Second,
		// Measure and read bodies exactly as sent: no transparent gzip.
		Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// result is a response with its body read.
type result struct {
	method, path string
	status       int
	header       http.Header
	body         string
}

func (r *result) String() string { return r.method + " " + r.path }

func (b *browser) do(req *http.Request) *result {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &result{method: req.Method, path: req.URL.Path, status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) *result {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends form as application/x-www-form-urlencoded; headers are
// name, value pairs.
func (b *browser) post(path string, form url.Values, headers ...string) *result {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

func (b *browser) register(username, password, name, email, role string, extra ...string) *result {
	b.t.Helper()
	f := url.Values{"username": {username}, "password": {password}, "name": {name}, "email": {email}, "role": {role}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return b.post("/register", f)
}

func (b *browser) login(username, password string) *result {
	b.t.Helper()
	return b.post("/login", url.Values{"username": {username}, "password": {password}})
}

// sessionCookie returns the browser's acanban_session cookie value, or "".
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.base + "/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "acanban_session" {
			return c.Value
		}
	}
	return ""
}

// setSession puts a session cookie in the browser's jar.
func (b *browser) setSession(token string) {
	u, _ := url.Parse(b.base + "/")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "acanban_session", Value: token, Path: "/"}})
}

var (
	alertRE = regexp.MustCompile(`(?is)<p\b[^>]*\brole="alert"[^>]*>(.*?)</p>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// alertText is the text of the page's role="alert" paragraphs.
func alertText(body string) string {
	var parts []string
	for _, m := range alertRE.FindAllStringSubmatch(body, -1) {
		if s := strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(m[1], ""))); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " | ")
}

func snippet(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// wantStatus checks a response's status.
func wantStatus(t *testing.T, what string, r *result, want int) bool {
	t.Helper()
	if r.status != want {
		t.Errorf("%s: %v answered %d, want %d (alert: %q)\nbody: %s", what, r, r.status, want, alertText(r.body), snippet(r.body))
		return false
	}
	return true
}

// wantRedirect checks a 303 See Other to location.
func wantRedirect(t *testing.T, what string, r *result, location string) bool {
	t.Helper()
	if !wantStatus(t, what, r, http.StatusSeeOther) {
		return false
	}
	if got := r.header.Get("Location"); got != location {
		t.Errorf("%s: %v redirected to %q, want %q", what, r, got, location)
		return false
	}
	return true
}

// wantAlert checks that the page explains the error in a role="alert"
// paragraph that mentions every keyword (case-insensitively).
func wantAlert(t *testing.T, what string, r *result, keywords ...string) {
	t.Helper()
	msg := alertText(r.body)
	if msg == "" {
		t.Errorf("%s: the %d page of %v has no explanatory role=\"alert\" message\nbody: %s", what, r.status, r, snippet(r.body))
		return
	}
	for _, k := range keywords {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(k)) {
			t.Errorf("%s: the message %q of %v does not mention %q", what, msg, r, k)
		}
	}
}

// wantError checks an error page: its status and, if right, its message.
func wantError(t *testing.T, what string, r *result, status int, keywords ...string) {
	t.Helper()
	if wantStatus(t, what, r, status) {
		wantAlert(t, what, r, keywords...)
	}
}

func wantBody(t *testing.T, what string, r *result, substr string) {
	t.Helper()
	if !strings.Contains(r.body, substr) {
		t.Errorf("%s: %v (status %d) does not contain %q\nbody: %s", what, r, r.status, substr, snippet(r.body))
	}
}

// countUsers reads the number of accounts straight from the SQLite file,
// read-only.
func countUsers(t *testing.T, data string) int {
	t.Helper()
	path := filepath.Join(data, "acanban.db")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("open %s read-only: %v", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		t.Fatalf("count users in %s: %v", path, err)
	}
	return n
}

// 1. One command, no other service: the server starts and is healthy and
// ready.
func TestE2EServeHealthAndReady(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data") // does not exist yet: created on first start
	s := startServer(t, data, serverOpts{})
	b := newBrowser(t, s.base)
	for _, p := range []string{"/healthz", "/readyz"} {
		r := b.get(p)
		if wantStatus(t, "health check", r, http.StatusOK) && strings.TrimSpace(r.body) == "" {
			t.Errorf("GET %s answered 200 with an empty body", p)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "acanban.db")); err != nil {
		t.Errorf("the server did not create its SQLite database in the data folder: %v", err)
	}
	wantStatus(t, "landing page", b.get("/"), http.StatusOK)
}

// checkSessionCookie checks the raw Set-Cookie header of the session.
func checkSessionCookie(t *testing.T, what string, r *result) {
	t.Helper()
	var raw string
	for _, sc := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "acanban_session=") {
			raw = sc
		}
	}
	if raw == "" {
		t.Errorf("%s: %v set no acanban_session cookie (Set-Cookie: %q)", what, r, r.header.Values("Set-Cookie"))
		return
	}
	attrs := map[string]bool{}
	for _, a := range strings.Split(raw, ";")[1:] {
		attrs[strings.ToLower(strings.TrimSpace(a))] = true
	}
	if !attrs["httponly"] {
		t.Errorf("%s: session cookie lacks HttpOnly: %q", what, raw)
	}
	if !attrs["samesite=lax"] {
		t.Errorf("%s: session cookie lacks SameSite=Lax: %q", what, raw)
	}
	if attrs["secure"] {
		t.Errorf("%s: session cookie is Secure on plain HTTP (browsers would drop it): %q", what, raw)
	}
}

// 2. Register, dashboard, log out, log in.
func TestE2ERegisterLogoutLogin(t *testing.T) {
	s := startServer(t, t.TempDir(), serverOpts{})
	b := newBrowser(t, s.base)

	r := b.register("carol", "correct horse", "Carol Example", "carol@example.com", "supervisor")
	if !wantRedirect(t, "register", r, "/") {
		t.FailNow()
	}
	checkSessionCookie(t, "register", r)
	home := b.get("/")
	wantStatus(t, "dashboard after register", home, http.StatusOK)
	wantBody(t, "dashboard after register greets the user", home, "Hello, Carol Example")

	oldSession := b.sessionCookie()
	if oldSession == "" {
		t.Fatal("no session cookie in the jar after registering")
	}
	wantRedirect(t, "log out", b.post("/logout", nil), "/")
	if home := b.get("/"); strings.Contains(home.body, "Hello, Carol Example") {
		t.Errorf("GET / after logging out still shows the dashboard")
	}
	// The server session is gone: replaying the old cookie gives a guest.
	replay := newBrowser(t, s.base)
	replay.setSession(oldSession)
	if home := replay.get("/"); strings.Contains(home.body, "Hello, Carol Example") {
		t.Errorf("the session cookie of before the logout still logs in: logout did not delete the server session")
	}

	r = b.login("carol", "correct horse")
	if !wantRedirect(t, "log in", r, "/") {
		t.FailNow()
	}
	checkSessionCookie(t, "log in", r)
	home = b.get("/")
	wantStatus(t, "dashboard after log in", home, http.StatusOK)
	wantBody(t, "dashboard after log in greets the user", home, "Hello, Carol Example")
}

// 3. Error statuses and their messages.
func TestE2EErrorStatuses(t *testing.T) {
	s := startServer(t, t.TempDir(), serverOpts{})
	alice := newBrowser(t, s.base)
	if !wantRedirect(t, "register alice", alice.register("alice", "alice-secret", "Alice Original", "alice@example.com", "student"), "/") {
		t.FailNow()
	}
	guest := newBrowser(t, s.base)

	r := guest.register("alice", "another-secret", "Other Alice", "other@example.com", "student")
	wantError(t, "taken username", r, http.StatusConflict, "username")

	r = guest.register("ALICE", "another-secret", "Other Alice", "other2@example.com", "student")
	wantError(t, "taken username in other case", r, http.StatusConflict, "username")

	r = guest.register("bobby", "another-secret", "Bobby", "ALICE@Example.COM", "student")
	wantError(t, "taken email in other case", r, http.StatusConflict, "email")

	r = guest.register("wiz", "another-secret", "Wiz", "wiz@example.com", "wizard")
	wantError(t, "unknown role", r, http.StatusUnprocessableEntity, "role")

	for _, role := range []string{"judge", "assistant"} {
		r = guest.register("self"+role, "another-secret", "Self "+role, role+"@example.com", role)
		wantError(t, role+" self-registration in open mode", r, http.StatusUnprocessableEntity, "invitation")
		if c := guest.sessionCookie(); c != "" {
			t.Errorf("a refused %s registration logged the browser in", role)
		}
	}

	r = guest.login("alice", "wrong-password")
	wantError(t, "wrong password", r, http.StatusUnauthorized, "password")

	r = guest.login("nobody", "whatever-password")
	wantError(t, "unknown user", r, http.StatusUnauthorized, "password")

	r = guest.get("/u/nobody")
	wantError(t, "missing profile", r, http.StatusNotFound, "nobody")

	r = guest.get("/u/x/edit")
	wantError(t, "guest editing a profile", r, http.StatusUnauthorized, "log in")
	wantBody(t, "the 401 page offers the login form", r, `action="/login"`)

	bob := newBrowser(t, s.base)
	if !wantRedirect(t, "register bob", bob.register("bob", "bob-secret-1", "Bob", "bob@example.com", "student"), "/") {
		t.FailNow()
	}
	r = bob.get("/u/alice/edit")
	wantError(t, "GET another user's profile edit form", r, http.StatusForbidden, "profile")

	r = bob.post("/u/alice/edit", url.Values{"name": {"Hacked By Bob"}, "email": {"bob-owns@example.com"}})
	wantError(t, "POST another user's profile", r, http.StatusForbidden, "profile")
	if p := alice.get("/u/alice"); strings.Contains(p.body, "Hacked By Bob") || !strings.Contains(p.body, "Alice Original") {
		t.Errorf("alice's profile changed after bob's refused edit:\n%s", snippet(p.body))
	}

	// Control: alice may edit her own profile.
	wantStatus(t, "own profile edit form", alice.get("/u/alice/edit"), http.StatusOK)
}

// 4. Cross-origin form posts are refused.
func TestE2ECrossOriginRefused(t *testing.T) {
	s := startServer(t, t.TempDir(), serverOpts{})
	b := newBrowser(t, s.base)
	if !wantRedirect(t, "register", b.register("dave", "dave-secret", "Dave", "dave@example.com", "student"), "/") {
		t.FailNow()
	}
	creds := url.Values{"username": {"dave"}, "password": {"dave-secret"}}
	for _, h := range [][2]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "http://evil.example"},
	} {
		attacker := newBrowser(t, s.base)
		r := attacker.post("/login", creds, h[0], h[1])
		what := fmt.Sprintf("POST /login with %s: %s", h[0], h[1])
		wantError(t, what, r, http.StatusForbidden, "cross-origin")
		if c := attacker.sessionCookie(); c != "" {
			t.Errorf("%s: the refused request still started a session", what)
		}
	}
	// Controls: the same credentials from the same origin log in.
	wantRedirect(t, "POST /login with Sec-Fetch-Site: same-origin", newBrowser(t, s.base).post("/login", creds, "Sec-Fetch-Site", "same-origin"), "/")
	wantRedirect(t, "POST /login with the site's own Origin", newBrowser(t, s.base).post("/login", creds, "Origin", s.base), "/")
}

// 5. The user add command, and its refusal of bad input.
func TestE2ECLIUserAdd(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, serverOpts{})

	out, errOut, code := runCLI(t, "user", "add", "-data", data, "-username", "erin", "-password", "erin-secret",
		"-name", "Erin Assistant", "-email", "erin@example.com", "-role", "assistant", "-department", "Physics")
	if code != 0 {
		t.Fatalf("acanban user add exited %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "erin") {
		t.Errorf("acanban user add printed %q: it should name the account created", out)
	}
	b := newBrowser(t, s.base)
	if !wantRedirect(t, "the running server logs in the CLI-made user", b.login("erin", "erin-secret"), "/") {
		t.FailNow()
	}
	home := b.get("/")
	wantBody(t, "dashboard of the CLI-made user", home, "Hello, Erin Assistant")
	wantBody(t, "the CLI-made user is an assistant", home, "Academic assistant")

	before := countUsers(t, data)
	if before != 1 {
		t.Errorf("the database holds %d users after one user add, want 1", before)
	}
	base := map[string]string{"-username": "frank", "-password": "frank-secret", "-name": "Frank", "-email": "frank@example.com", "-role": "student"}
	for _, c := range []struct {
		name    string
		set     map[string]string
		mention string // a word the error message must contain
	}{
		{"unknown role", map[string]string{"-role": "wizard"}, "role"},
		{"short password", map[string]string{"-password": "short"}, "password"},
		{"bad email", map[string]string{"-email": "not-an-email"}, "email"},
		{"missing -username", map[string]string{"-username": ""}, "username"},
		{"duplicate username", map[string]string{"-username": "ERIN", "-email": "erin2@example.com"}, "username"},
	} {
		args := []string{"user", "add", "-data", data}
		for _, k := range []string{"-username", "-password", "-name", "-email", "-role"} {
			v, ok := c.set[k]
			if !ok {
				v = base[k]
			}
			if v != "" {
				args = append(args, k, v)
			}
		}
		out, errOut, code := runCLI(t, args...)
		if code == 0 {
			t.Errorf("%s: acanban %s exited 0, want non-zero (stdout %q)", c.name, strings.Join(args, " "), out)
		}
		if strings.TrimSpace(errOut) == "" {
			t.Errorf("%s: acanban user add wrote no message on stderr", c.name)
		} else if !strings.Contains(strings.ToLower(errOut), c.mention) {
			t.Errorf("%s: the message %q does not mention %q", c.name, strings.TrimSpace(errOut), c.mention)
		}
	}
	if after := countUsers(t, data); after != before {
		t.Errorf("bad user add commands changed the number of users from %d to %d", before, after)
	}
	// The would-be user of the otherwise valid commands does not exist.
	wantStatus(t, "log in as a refused CLI user", newBrowser(t, s.base).login("frank", "frank-secret"), http.StatusUnauthorized)

	// Refused input writes nothing at all: not even a data folder.
	fresh := filepath.Join(t.TempDir(), "fresh")
	for _, args := range [][]string{
		{"user", "add", "-data", fresh, "-username", "x", "-password", "p", "-name", "N", "-email", "e@example.com", "-role", "wizard"},
		{"invite", "create", "-data", fresh, "-role", "wizard"},
	} {
		if _, _, code := runCLI(t, args...); code == 0 {
			t.Errorf("acanban %s exited 0", strings.Join(args, " "))
		}
		if _, err := os.Stat(fresh); !os.IsNotExist(err) {
			t.Errorf("acanban %s with bad input created %s (%v)", strings.Join(args, " "), fresh, err)
		}
	}
}

// The user import command: the accounts of a CSV file, all or none, with
// the generated passwords printed as CSV.
func TestE2ECLIUserImport(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, serverOpts{})
	dir := t.TempDir()
	// An empty site takes no import: its first account is the admin.
	first := filepath.Join(dir, "first.csv")
	os.WriteFile(first, []byte("username,name,email\nfirst,First,first@example.edu\n"), 0o600)
	if _, errOut, code := runCLI(t, "user", "import", "-data", data, "-file", first); code == 0 || !strings.Contains(errOut, "first one") {
		t.Errorf("import into an empty site: exit %d, %q; want refused", code, errOut)
	}
	if out, errOut, code := runCLI(t, "user", "add", "-data", data, "-username", "root", "-password", "root-secret",
		"-name", "Root", "-email", "root@example.edu", "-role", "supervisor"); code != 0 {
		t.Fatalf("acanban user add exited %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("username,name,email,role,password\ngia,Nguyễn Gia,gia@example.edu,student,gia-secret\nhoa,Lê Hoa,hoa@example.edu,supervisor,\n"), 0o600)
	out, errOut, code := runCLI(t, "user", "import", "-data", data, "-file", good)
	if code != 0 {
		t.Fatalf("acanban user import exited %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][0] != "gia" || recs[1][3] != "" || recs[2][0] != "hoa" || len(recs[2][3]) < 20 {
		t.Fatalf("acanban user import printed %q (%v); want a CSV of gia (password of the file) and hoa (generated)", out, err)
	}
	wantRedirect(t, "log in with the password of the file", newBrowser(t, s.base).login("gia", "gia-secret"), "/")
	wantRedirect(t, "log in with the generated password", newBrowser(t, s.base).login("hoa", recs[2][3]), "/")

	// A bad row: nothing is created, the line is named.
	before := countUsers(t, data)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("username,name,email\nok,Ok,ok@example.edu\nbad,Bad,not-an-email\n"), 0o600)
	_, errOut, code = runCLI(t, "user", "import", "-data", data, "-file", bad)
	if code == 0 || !strings.Contains(errOut, "Line 3") {
		t.Errorf("import of a bad file: exit %d, %q; want a failure naming line 3", code, errOut)
	}
	clash := filepath.Join(dir, "clash.csv")
	os.WriteFile(clash, []byte("username,name,email\nok,Ok,ok@example.edu\ngia,Again,gia2@example.edu\n"), 0o600)
	if _, errOut, code = runCLI(t, "user", "import", "-data", data, "-file", clash); code == 0 || !strings.Contains(errOut, "Line 3") {
		t.Errorf("import of a taken username: exit %d, %q; want a failure naming line 3", code, errOut)
	}
	if after := countUsers(t, data); after != before {
		t.Errorf("refused imports changed the number of users from %d to %d", before, after)
	}
	// The admin who lost their password gets a new one.
	out, errOut, code = runCLI(t, "user", "reset", "-data", data, "-username", "root")
	if code != 0 {
		t.Fatalf("acanban user reset exited %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	wantRedirect(t, "log in with the reset password", newBrowser(t, s.base).login("root", strings.TrimSpace(out)), "/")
	wantStatus(t, "log in with the old password", newBrowser(t, s.base).login("root", "root-secret"), http.StatusUnauthorized)
	if _, errOut, code := runCLI(t, "user", "reset", "-data", data, "-username", "nobody"); code == 0 || !strings.Contains(errOut, "nobody") {
		t.Errorf("reset of an unknown account: exit %d, %q; want a failure naming it", code, errOut)
	}
	// Disable and enable from the command line.
	if out, errOut, code := runCLI(t, "user", "disable", "-data", data, "-username", "gia"); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("acanban user disable: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	wantStatus(t, "log in to the disabled account", newBrowser(t, s.base).login("gia", "gia-secret"), http.StatusForbidden)
	if out, errOut, code := runCLI(t, "user", "enable", "-data", data, "-username", "gia"); code != 0 || !strings.Contains(out, "enabled") {
		t.Fatalf("acanban user enable: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	wantRedirect(t, "log in to the enabled account", newBrowser(t, s.base).login("gia", "gia-secret"), "/")
	// A bad file writes nothing at all: not even a data folder.
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, _, code := runCLI(t, "user", "import", "-data", fresh, "-file", bad); code == 0 {
		t.Error("acanban user import of a bad file exited 0")
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("acanban user import of a bad file created %s (%v)", fresh, err)
	}
}

// 6. Invitations from the command line, in invite mode.
func TestE2EInviteRegistration(t *testing.T) {
	data := t.TempDir()
	out, errOut, code := runCLI(t, "invite", "create", "-data", data, "-role", "judge")
	if code != 0 {
		t.Fatalf("acanban invite create exited %d\nstderr: %s", code, errOut)
	}
	token := strings.TrimSpace(out)
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("acanban invite create printed %q, want one token", out)
	}
	if _, errOut, code := runCLI(t, "invite", "create", "-data", data, "-role", "wizard"); code == 0 || !strings.Contains(errOut, "role") {
		t.Errorf("invite create -role wizard: exit %d, stderr %q: want non-zero and a message about the role", code, errOut)
	}

	s := startServer(t, data, serverOpts{args: []string{"-registration", "invite"}})
	guest := newBrowser(t, s.base)
	r := guest.register("judy", "judy-secret", "Judy Judge", "judy@example.com", "judge")
	wantError(t, "register without a token in invite mode", r, http.StatusForbidden, "invitation")

	judy := newBrowser(t, s.base)
	if !wantRedirect(t, "register with the token", judy.register("judy", "judy-secret", "Judy Judge", "judy@example.com", "judge", "token", token), "/") {
		t.FailNow()
	}
	wantBody(t, "dashboard of the invited judge", judy.get("/"), "Hello, Judy Judge")
	p := judy.get("/u/judy")
	wantStatus(t, "profile of the invited judge", p, http.StatusOK)
	wantBody(t, "the invited user is a judge", p, "Judge")

	r = newBrowser(t, s.base).register("jules", "jules-secret", "Jules", "jules@example.com", "judge", "token", token)
	wantError(t, "reusing the token", r, http.StatusUnprocessableEntity, "invitation")
	wantStatus(t, "the user of the reused token does not exist", newBrowser(t, s.base).get("/u/jules"), http.StatusNotFound)
}

// 7. A registration survives a SIGKILL right after its 303.
func TestE2EDurableAfterSIGKILL(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, serverOpts{})
	b := newBrowser(t, s.base)
	if !wantRedirect(t, "register", b.register("gina", "gina-secret", "Gina", "gina@example.com", "student"), "/") {
		t.FailNow()
	}
	oldSession := b.sessionCookie()
	s.kill()

	s2 := startServer(t, data, serverOpts{})
	b2 := newBrowser(t, s2.base)
	wantRedirect(t, "log in after SIGKILL and restart", b2.login("gina", "gina-secret"), "/")
	wantBody(t, "dashboard after restart", b2.get("/"), "Hello, Gina")

	// Sessions are kept server-side in the database too: the session of
	// before the crash is still valid.
	if oldSession == "" {
		t.Fatal("no session cookie after registering")
	}
	old := newBrowser(t, s2.base)
	old.setSession(oldSession)
	wantBody(t, "the session of before the SIGKILL", old.get("/"), "Hello, Gina")
}

// 8. One server per data folder, and graceful shutdown on SIGTERM that lets
// a request in flight finish.
func TestE2EDataFolderLockAndGracefulShutdown(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, serverOpts{})
	b := newBrowser(t, s.base)
	if !wantRedirect(t, "register", b.register("hank", "hank-secret", "Hank", "hank@example.com", "student"), "/") {
		t.FailNow()
	}

	second := launch(t, freeAddr(t), data, serverOpts{})
	if second.waitHealthy(10*time.Second) == nil {
		t.Fatalf("a second server started on the data folder in use and serves on %s", second.addr)
	}
	if code := second.waitExit(10 * time.Second); code == 0 {
		t.Errorf("a second server on the data folder in use exited 0, want non-zero")
	}
	if msg := second.stderr.String(); !strings.Contains(msg, "data folder") || !strings.Contains(msg, "using") {
		t.Errorf("the second server's message does not say the data folder is in use:\n%s", msg)
	}
	wantStatus(t, "the first server still serves", b.get("/healthz"), http.StatusOK)

	// A login request in flight: headers and half the body sent before
	// SIGTERM, the rest after.
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatalf("dial %s: %v", s.addr, err)
	}
	defer conn.Close()
	form := url.Values{"username": {"hank"}, "password": {"hank-secret"}}.Encode()
	half := len(form) / 2
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		s.addr, len(form), form[:half])
	time.Sleep(300 * time.Millisecond) // let the server read the headers and enter the handler

	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if s.exited() {
		t.Errorf("the server exited with a request still in flight")
	}
	if _, err := io.WriteString(conn, form[half:]); err != nil {
		t.Fatalf("finish the in-flight request body: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	n, err := io.ReadAtLeast(conn, buf, 12)
	if err != nil {
		t.Errorf("the request in flight at SIGTERM got no response: %v (read %q)", err, buf[:n])
	} else if status := string(buf[:12]); status != "HTTP/1.1 303" {
		t.Errorf("the request in flight at SIGTERM answered %q, want HTTP/1.1 303", strings.SplitN(string(buf[:n]), "\r\n", 2)[0])
	}

	code := s.waitExit(5 * time.Second)
	if code != 0 {
		t.Errorf("after SIGTERM the server exited with status %d, want 0", code)
	}
	t.Logf("exit %v after SIGTERM (300 ms of it waiting on purpose)", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(s.stderr.String(), "stopped") {
		t.Errorf("the log does not say the server stopped:\n%s", s.stderr.String())
	}

	// The lock went with the process: a new server starts; SIGINT (Ctrl-C)
	// stops it as cleanly as SIGTERM.
	again := startServer(t, data, serverOpts{})
	if err := again.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	if code := again.waitExit(5 * time.Second); code != 0 {
		t.Errorf("after SIGINT the server exited with status %d, want 0", code)
	}
}

var (
	tagLinkRE   = regexp.MustCompile(`(?is)<link\b[^>]*>`)
	tagScriptRE = regexp.MustCompile(`(?is)<script\b[^>]*>`)
	attrRE      = regexp.MustCompile(`(?is)\b(rel|href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return m
}

// 9. The landing page, its stylesheets and scripts weigh at most 25 KB.
func TestE2ELandingPageWeight(t *testing.T) {
	const limit = 25 * 1024
	s := startServer(t, t.TempDir(), serverOpts{})
	b := newBrowser(t, s.base)
	page := b.get("/")
	if !wantStatus(t, "landing page", page, http.StatusOK) {
		t.FailNow()
	}
	total := len(page.body)
	report := []string{fmt.Sprintf("/ %d B", len(page.body))}

	var refs []string
	for _, tag := range tagLinkRE.FindAllString(page.body, -1) {
		a := attrs(tag)
		if strings.Contains(" "+strings.ToLower(a["rel"])+" ", " stylesheet ") && a["href"] != "" {
			refs = append(refs, a["href"])
		}
	}
	stylesheets := len(refs)
	for _, tag := range tagScriptRE.FindAllString(page.body, -1) {
		if src := attrs(tag)["src"]; src != "" {
			refs = append(refs, src)
		}
	}
	if stylesheets == 0 {
		t.Errorf("the landing page links no stylesheet: the parser or the page is wrong\n%s", snippet(page.body))
	}
	base, _ := url.Parse(s.base + "/")
	for _, ref := range refs {
		u, err := base.Parse(ref)
		if err != nil {
			t.Errorf("unparsable link %q: %v", ref, err)
			continue
		}
		if u.Scheme == "data" {
			continue // inline: counted in the page
		}
		if u.Host != base.Host {
			t.Errorf("the landing page loads %s from another site", u)
			continue
		}
		r := b.get(u.RequestURI())
		if wantStatus(t, "linked resource "+u.Path, r, http.StatusOK) {
			total += len(r.body)
			report = append(report, fmt.Sprintf("%s %d B", u.Path, len(r.body)))
		}
	}
	t.Logf("landing page weight %d B of %d: %s", total, limit, strings.Join(report, ", "))
	if total > limit {
		t.Errorf("the landing page with its CSS and scripts weighs %d bytes, more than %d: %s", total, limit, strings.Join(report, ", "))
	}
}

// 10. Settings precedence: flag over environment over TOML file.
func TestE2EConfigPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "acanban.toml")
	if err := os.WriteFile(file, []byte("# test settings\nregistration = \"closed\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	register := func(s *server, username string) *result {
		return newBrowser(t, s.base).register(username, "secret-pass", "User "+username, username+"@example.com", "student")
	}

	t.Run("file", func(t *testing.T) {
		s := startServer(t, t.TempDir(), serverOpts{args: []string{"-config", file}})
		r := register(s, "filer")
		wantError(t, "registration = \"closed\" from the file", r, http.StatusForbidden, "closed")
	})
	t.Run("file+env", func(t *testing.T) {
		s := startServer(t, t.TempDir(), serverOpts{args: []string{"-config", file}, env: []string{"ACANBAN_REGISTRATION=open"}})
		wantRedirect(t, "ACANBAN_REGISTRATION=open over the file's closed", register(s, "envy"), "/")
	})
	t.Run("file+env+flag", func(t *testing.T) {
		s := startServer(t, t.TempDir(), serverOpts{
			args: []string{"-config", file, "-registration", "invite"},
			env:  []string{"ACANBAN_REGISTRATION=open"},
		})
		r := register(s, "flagg")
		wantError(t, "-registration invite over env open and file closed", r, http.StatusForbidden, "invitation")
	})
	t.Run("config path from env", func(t *testing.T) {
		s := startServer(t, t.TempDir(), serverOpts{env: []string{"ACANBAN_CONFIG=" + file}})
		r := register(s, "pathy")
		wantError(t, "ACANBAN_CONFIG names the file with registration = \"closed\"", r, http.StatusForbidden, "closed")
	})
}
