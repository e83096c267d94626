package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/grading"
	"github.com/acanban/acanban/internal/live"
	"github.com/acanban/acanban/internal/projects"
	"github.com/acanban/acanban/internal/store/sqlite"
)

// testParams make argon2id cheap in tests; production uses DefaultParams.
var testParams = auth.Params{Memory: 64, Time: 1, Threads: 1}

type site struct {
	*httptest.Server
	srv *Server
}

func newSite(t *testing.T, mode domain.RegistrationMode) *site {
	return newSiteWith(t, Deps{Registration: mode}, nil)
}

// newSiteWith starts a site on a fresh SQLite database with the file store
// fs (nil: a fresh embedded store); the fields of d left empty get the
// defaults: open registration, fast password hashing.
func newSiteWith(t *testing.T, d Deps, fs files.Files) *site {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "acanban.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if fs == nil {
		e, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		fs = e
	}
	if d.Registration == "" {
		d.Registration = domain.RegistrationOpen
	}
	d.Store = st
	d.Accounts = &accounts.Service{Store: st, Hasher: auth.NewHasher(testParams, 4)}
	d.Hub = live.NewHub()
	d.Projects = &projects.Service{Store: st, Files: fs, Live: live.Local{Hub: d.Hub}}
	d.Grading = &grading.Service{Store: st, Projects: d.Projects, Scale: domain.DefaultScale}
	d.Sessions = &auth.Sessions{Store: st, Lifetime: auth.DefaultLifetime, RememberLifetime: auth.DefaultRememberLifetime}
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &site{Server: ts, srv: srv}
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (s *site) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: s.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res, string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func registration(username, role string) url.Values {
	return form("username", username, "password", "password-"+username, "name", "Name "+username,
		"email", username+"@example.edu", "role", role)
}

// register makes an account and returns a client logged in as it.
func (s *site) register(t *testing.T, username, role string) *client {
	t.Helper()
	c := s.client(t)
	if r := c.post("/register", registration(username, role)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("register %s: status %d: %s", username, r.StatusCode, alert(r.body))
	}
	return c
}

// alert returns the error message of a page.
func alert(body string) string {
	_, after, ok := strings.Cut(body, `role="alert"`)
	if !ok {
		return ""
	}
	_, after, _ = strings.Cut(after, ">")
	msg, _, _ := strings.Cut(after, "<")
	return strings.TrimSpace(msg)
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("%s: status %d; want %d (message %q)", what, r.StatusCode, status, alert(r.body))
	}
	if status >= 400 && alert(r.body) == "" {
		t.Errorf("%s: error page without a message", what)
	}
}

func TestRegisterAndLogin(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	c := s.client(t)
	r := c.post("/register", registration("Ada", "student"))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("register: %d to %q; want 303 to /", r.StatusCode, r.Header.Get("Location"))
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, attr := range []string{"acanban_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	if strings.Contains(cookie, "Max-Age") || strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q: without remember and TLS it must be a plain session cookie", cookie)
	}
	home := c.get("/")
	if !strings.Contains(home.body, "Hello, Name Ada") || !strings.Contains(home.body, "Log out") {
		t.Errorf("dashboard does not greet the user or offer logout:\n%s", home.body)
	}
	if !strings.Contains(home.body, "administrator") {
		t.Error("the first account is not an administrator")
	}
	if r := c.post("/logout", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", r.StatusCode)
	}
	if home := c.get("/"); !strings.Contains(home.body, "Create an account") {
		t.Error("after logout / is not the landing page")
	}
	r = c.post("/login", form("username", "ADA", "password", "password-Ada", "remember", "1", "next", "/u/ada"))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/u/ada" {
		t.Errorf("login: %d to %q; want 303 to /u/ada", r.StatusCode, r.Header.Get("Location"))
	}
	if ck := r.Header.Get("Set-Cookie"); !strings.Contains(ck, "Max-Age=") {
		t.Errorf("remembered session cookie %q has no lifetime", ck)
	}
	second := s.register(t, "bob", "supervisor")
	if strings.Contains(second.get("/").body, "administrator") {
		t.Error("the second account is an administrator too")
	}
}

func TestLogoutEndsServerSession(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	c := s.register(t, "ada", "student")
	u, _ := url.Parse(s.URL)
	stolen := c.http.Jar.Cookies(u)
	c.post("/logout", nil)
	thief := s.client(t)
	thief.http.Jar.SetCookies(u, stolen)
	if r := thief.get("/u/ada/edit"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the logged-out session still works: %d", r.StatusCode)
	}
}

func TestStatuses(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "supervisor")
	guest := s.client(t)
	taken := registration("ada", "student")
	taken.Set("email", "new@example.edu")
	mail := registration("carol", "student")
	mail.Set("email", "ADA@Example.edu")
	for _, c := range []struct {
		name   string
		do     func() response
		status int
	}{
		{"taken username", func() response { return guest.post("/register", taken) }, 409},
		{"taken username, other case", func() response {
			f := registration("ADA", "student")
			f.Set("email", "x@example.edu")
			return guest.post("/register", f)
		}, 409},
		{"taken email", func() response { return guest.post("/register", mail) }, 409},
		{"unknown role", func() response { return guest.post("/register", registration("carol", "wizard")) }, 422},
		{"judge self-registration", func() response { return guest.post("/register", registration("carol", "judge")) }, 422},
		{"assistant self-registration", func() response { return guest.post("/register", registration("carol", "assistant")) }, 422},
		{"bad username", func() response { return guest.post("/register", registration("c", "student")) }, 422},
		{"bad email", func() response {
			f := registration("carol", "student")
			f.Set("email", "carol@")
			return guest.post("/register", f)
		}, 422},
		{"short password", func() response {
			f := registration("carol", "student")
			f.Set("password", "short")
			return guest.post("/register", f)
		}, 422},
		{"wrong password", func() response { return guest.post("/login", form("username", "ada", "password", "nope-nope")) }, 401},
		{"unknown user", func() response { return guest.post("/login", form("username", "zed", "password", "nope-nope")) }, 401},
		{"unknown profile", func() response { return guest.get("/u/nobody") }, 404},
		{"unknown profile, logged in", func() response { return ada.get("/u/nobody") }, 404},
		{"edit another's profile (GET)", func() response { return ada.get("/u/bob/edit") }, 403},
		{"edit another's profile (POST)", func() response {
			return ada.post("/u/bob/edit", form("name", "Hacked", "email", "bob@example.edu"))
		}, 403},
		{"another's password (GET)", func() response { return ada.get("/u/bob/password") }, 403},
		{"another's password (POST)", func() response {
			return ada.post("/u/bob/password", form("current_password", "x", "new_password", "yyyyyyyy"))
		}, 403},
		{"guest edits a profile (GET)", func() response { return guest.get("/u/x/edit") }, 401},
		{"guest edits a profile (POST)", func() response { return guest.post("/u/ada/edit", form("name", "x")) }, 401},
		{"unknown page", func() response { return ada.get("/nowhere") }, 404},
		{"cross-site form post", func() response {
			req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader("username=ada&password=password-ada"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return guest.do(req)
		}, 403},
		{"foreign origin form post", func() response {
			req, _ := http.NewRequest("POST", s.URL+"/u/ada/edit", strings.NewReader("name=x&email=ada@example.edu"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://evil.example")
			return ada.do(req)
		}, 403},
	} {
		wantStatus(t, c.name, c.do(), c.status)
	}
	if r := ada.get("/u/bob"); r.StatusCode != 200 || strings.Contains(r.body, "/u/bob/edit") {
		t.Errorf("another's profile: %d, offers edit link: %v", r.StatusCode, strings.Contains(r.body, "/u/bob/edit"))
	}
	if r := guest.get("/u/ada"); strings.Contains(r.body, "ada@example.edu") {
		t.Error("a guest sees a user's email address")
	}
	// Nothing of the refused registrations was written.
	if n, _ := s.srv.Store.CountUsers(context.Background()); n != 2 {
		t.Errorf("%d users after refused registrations; want 2", n)
	}
}

func TestUnauthorizedPageOffersLogin(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	r := s.client(t).get("/u/ada/edit")
	if r.StatusCode != 401 || !strings.Contains(r.body, `action="/login"`) || !strings.Contains(r.body, `name="next" value="/u/ada/edit"`) {
		t.Errorf("401 page: status %d; want the login form returning to /u/ada/edit:\n%s", r.StatusCode, r.body)
	}
}

func TestLoginRefusesForeignNext(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	s.register(t, "ada", "student")
	for _, next := range []string{"https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"} {
		r := s.client(t).post("/login", form("username", "ada", "password", "password-ada", "next", next))
		if r.StatusCode != 303 || r.Header.Get("Location") != "/" {
			t.Errorf("next=%q: redirected to %q; want /", next, r.Header.Get("Location"))
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	r := s.client(t).get("/")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("%s = %q; want %q", h, r.Header.Get(h), want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP allows inline script: %s", csp)
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=\"") || strings.Contains(r.body, " onclick") {
		t.Error("the landing page has inline script or style, which the CSP blocks")
	}
}

func TestProfileEdit(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "student")
	edit := form("name", "Nguyễn Gia Phong", "email", "Phong@Example.edu", "department", "ICT", "student_id", "BI9-184",
		"bio", "I like **Go**.\n\n<script>alert(1)</script>")
	if r := ada.post("/u/ada/edit", edit); r.StatusCode != 303 || r.Header.Get("Location") != "/u/ada" {
		t.Fatalf("edit: %d to %s (%s)", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	p := ada.get("/u/ada")
	for _, want := range []string{"Nguyễn Gia Phong", "phong@example.edu", "BI9-184", "<strong>Go</strong>", "Your profile is saved."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	if strings.Contains(p.body, "<script>alert") {
		t.Error("the bio's script tag reached the page")
	}
	edit.Set("email", "bob@example.edu")
	r := ada.post("/u/ada/edit", edit)
	wantStatus(t, "email of another user", r, 409)
	if !strings.Contains(r.body, "Nguyễn Gia Phong") {
		t.Error("the refused form lost what the user typed")
	}
	edit.Set("name", "")
	wantStatus(t, "empty name", ada.post("/u/ada/edit", edit), 422)
}

func TestPasswordChange(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	other := s.client(t)
	other.post("/login", form("username", "ada", "password", "password-ada"))
	wantStatus(t, "wrong current password", ada.post("/u/ada/password",
		form("current_password", "nope", "new_password", "new-secret-1", "confirm_password", "new-secret-1")), 422)
	wantStatus(t, "confirmation differs", ada.post("/u/ada/password",
		form("current_password", "password-ada", "new_password", "new-secret-1", "confirm_password", "new-secret-2")), 422)
	wantStatus(t, "too short", ada.post("/u/ada/password",
		form("current_password", "password-ada", "new_password", "short", "confirm_password", "short")), 422)
	r := ada.post("/u/ada/password", form("current_password", "password-ada", "new_password", "new-secret-1", "confirm_password", "new-secret-1"))
	if r.StatusCode != 303 {
		t.Fatalf("change password: %d %s", r.StatusCode, alert(r.body))
	}
	if r := ada.get("/u/ada/edit"); r.StatusCode != 200 {
		t.Errorf("the session that changed the password was logged out: %d", r.StatusCode)
	}
	if r := other.get("/u/ada/edit"); r.StatusCode != 401 {
		t.Errorf("another session survived the password change: %d", r.StatusCode)
	}
	wantStatus(t, "old password", s.client(t).post("/login", form("username", "ada", "password", "password-ada")), 401)
	if r := s.client(t).post("/login", form("username", "ada", "password", "new-secret-1")); r.StatusCode != 303 {
		t.Errorf("login with the new password: %d", r.StatusCode)
	}
}

func TestRegistrationModes(t *testing.T) {
	closed := newSite(t, domain.RegistrationClosed)
	if r := closed.client(t).get("/register"); r.StatusCode != 200 || !strings.Contains(r.body, "closed") {
		t.Errorf("closed registration page: %d", r.StatusCode)
	}
	wantStatus(t, "register when closed", closed.client(t).post("/register", registration("ada", "student")), 403)

	inv := newSite(t, domain.RegistrationInvite)
	wantStatus(t, "register without invitation", inv.client(t).post("/register", registration("ada", "student")), 403)
	ctx := context.Background()
	token, err := inv.srv.Accounts.Invite(ctx, nil, "judge", "Physics")
	if err != nil {
		t.Fatal(err)
	}
	f := registration("jules", "")
	f.Set("token", "wrong-token")
	wantStatus(t, "unknown token", inv.client(t).post("/register", f), 422)
	f.Set("token", token)
	f.Set("role", "student") // what the form's role list sends: the invitation wins
	if r := inv.client(t).post("/register", f); r.StatusCode != 303 {
		t.Fatalf("register with invitation: %d %s", r.StatusCode, alert(r.body))
	}
	u, err := inv.srv.Store.UserByUsername(ctx, "jules")
	if err != nil || u.Role != domain.RoleJudge || u.Department != "Physics" {
		t.Errorf("invited user = %+v, %v; want a judge of Physics", u, err)
	}
	f = registration("julia", "")
	f.Set("token", token)
	wantStatus(t, "reused token", inv.client(t).post("/register", f), 422)
	if r := inv.client(t).get("/register?token=abc"); !strings.Contains(r.body, `value="abc"`) {
		t.Error("an invitation link does not fill in the token")
	}
}

func TestPanicBecomes500(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	h := s.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "Something went wrong") {
		t.Errorf("panic: status %d body %q", rec.Code, rec.Body.String())
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	c := s.client(t)
	href := s.srv.assets.url("style.css")
	r := c.get(href)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("%s: %d %s %s", href, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	if r := c.get("/static/style.css"); r.StatusCode != 404 {
		t.Errorf("unhashed name served: %d", r.StatusCode)
	}
}

func TestMultipartForms(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	for k, v := range registration("ada", "student") {
		mw.WriteField(k, v[0])
	}
	mw.Close()
	req, _ := http.NewRequest("POST", s.URL+"/register", strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := s.client(t).do(req); r.StatusCode != http.StatusSeeOther {
		t.Errorf("multipart registration: %d %s; want 303", r.StatusCode, alert(r.body))
	}
}

func TestBadInputs(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bad := registration("bob", "student")
	bad.Set("name", "Bob\xff\xfe")
	wantStatus(t, "invalid UTF-8", s.client(t).post("/register", bad), 400)
	bad = registration("bob", "student")
	bad.Set("department", "a\x00b")
	wantStatus(t, "NUL character", s.client(t).post("/register", bad), 400)
	bad = registration("bob", "student")
	bad.Set("student_id", "1\n2")
	wantStatus(t, "newline in a one-line field", s.client(t).post("/register", bad), 422)
	for _, c := range []struct{ method, path string }{{"PUT", "/login"}, {"DELETE", "/u/ada"}, {"PUT", "/p/create"}} {
		req, _ := http.NewRequest(c.method, s.URL+c.path, nil)
		if r := ada.do(req); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") == "" {
			t.Errorf("%s %s: %d, Allow %q; want 405 with Allow", c.method, c.path, r.StatusCode, r.Header.Get("Allow"))
		}
	}
}

func TestAssistantDepartment(t *testing.T) {
	s := newSite(t, domain.RegistrationInvite)
	ctx := context.Background()
	token, err := s.srv.Accounts.Invite(ctx, nil, "assistant", "Physics")
	if err != nil {
		t.Fatal(err)
	}
	f := registration("asst", "")
	f.Set("token", token)
	f.Set("department", "Medicine")
	c := s.client(t)
	if r := c.post("/register", f); r.StatusCode != 303 {
		t.Fatalf("register: %d %s", r.StatusCode, alert(r.body))
	}
	u, _ := s.srv.Store.UserByUsername(ctx, "asst")
	if u.Department != "Physics" {
		t.Errorf("invited assistant's department = %q; want the invitation's Physics", u.Department)
	}
	edit := form("name", "Asst", "email", "asst@example.edu", "department", "Law")
	wantStatus(t, "assistant changes their department", c.post("/u/asst/edit", edit), 403)
	edit.Set("department", "Physics")
	if r := c.post("/u/asst/edit", edit); r.StatusCode != 303 {
		t.Errorf("assistant edits the rest of their profile: %d %s", r.StatusCode, alert(r.body))
	}
}

func TestUnauthorizedPostReturnsToReferer(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	req, _ := http.NewRequest("POST", s.URL+"/u/ada/edit", strings.NewReader("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", s.URL+"/u/ada/edit?x=1")
	r := s.client(t).do(req)
	if r.StatusCode != 401 || !strings.Contains(r.body, `name="next" value="/u/ada/edit?x=1"`) {
		t.Errorf("401 after a POST: %d; want the login form returning to the referring page", r.StatusCode)
	}
}

func TestClientAddressBehindProxies(t *testing.T) {
	s := newSiteWith(t, Deps{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}}, nil)
	for _, c := range []struct {
		remote, xff, want string
	}{
		{"127.0.0.1:5000", "203.0.113.7", "203.0.113.7"},               // nginx on loopback
		{"127.0.0.1:5000", "198.51.100.1, 203.0.113.7", "203.0.113.7"}, // a client's own header is not believed
		{"127.0.0.1:5000", "203.0.113.7, 10.1.2.3", "203.0.113.7"},     // two proxies
		{"192.0.2.9:5000", "203.0.113.7", "192.0.2.9"},                 // not a trusted proxy
		{"127.0.0.1:5000", "", "127.0.0.1"},
		{"127.0.0.1:5000", "garbage", "127.0.0.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.srv.clientAddr(r); got != c.want {
			t.Errorf("remote %s, X-Forwarded-For %q: client %s; want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestCompression(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	for _, path := range []string{"/", "/register", s.srv.assets.url("style.css"), s.srv.assets.url("board.js")} {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q, Vary %q; want gzip", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) <= len(raw) {
			t.Errorf("%s: %d bytes gzipped to %d (%v)", path, len(plain), len(raw), err)
		}
		if name, ok := strings.CutPrefix(path, "/static/"); ok && !bytes.Equal(plain, s.srv.assets.files[name]) {
			t.Errorf("%s: gunzipped, %d bytes differ from the file's %d", path, len(plain), len(s.srv.assets.files[name]))
		}
	}
	// A range of a static file is of its plain bytes.
	req, _ := http.NewRequest("GET", s.URL+s.srv.assets.url("style.css"), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Range", "bytes=0-9")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(res.Body)
	res.Body.Close()
	css := s.srv.assets.files[strings.TrimPrefix(s.srv.assets.url("style.css"), "/static/")]
	if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" || !bytes.Equal(part, css[:10]) {
		t.Errorf("range of style.css: %d, Content-Encoding %q, %q; want 206 and %q", res.StatusCode, res.Header.Get("Content-Encoding"), part, css[:10])
	}
	// A range asked If-Range of the gzipped file (another ETag) gets the
	// whole plain file, not plain bytes to glue to gzipped ones; Vary is
	// said once.
	req, _ = http.NewRequest("GET", s.URL+s.srv.assets.url("style.css"), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	gzipTag := res.Header.Get("ETag")
	if vary := res.Header.Values("Vary"); len(vary) != 1 {
		t.Errorf("Vary of style.css: %q; want Accept-Encoding once", vary)
	}
	req, _ = http.NewRequest("GET", s.URL+s.srv.assets.url("style.css"), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Range", "bytes=10-")
	req.Header.Set("If-Range", gzipTag)
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if gzipTag == "" || res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || !bytes.Equal(whole, css) {
		t.Errorf("range If-Range %s: %d, Content-Encoding %q, %d bytes; want 200 and the whole plain file (%d bytes)",
			gzipTag, res.StatusCode, res.Header.Get("Content-Encoding"), len(whole), len(css))
	}
	// Without Accept-Encoding, plain (http.Get would ask for gzip and
	// hide that it got it).
	plainClient := &http.Transport{DisableCompression: true}
	defer plainClient.CloseIdleConnections()
	for _, path := range []string{"/", s.srv.assets.url("style.css")} {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		res, err := plainClient.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Header.Get("Content-Encoding") != "" || !bytes.Contains(body, []byte("{")) && !bytes.Contains(body, []byte("<!doctype")) {
			t.Errorf("%s: compressed for a client that does not accept it: %q, %.40q", path, res.Header.Get("Content-Encoding"), body)
		}
	}
}

// A panic after the page began is logged, not followed by an error page
// glued to half a response.
func TestPanicAfterWriting(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	h := s.srv.logRequests(compress(s.srv.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("half"))
		panic("boom")
	}))))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip") // the recorder sits behind the compressor
	h.ServeHTTP(rec, req)
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(zr); string(body) != "half" {
		t.Errorf("body after a late panic = %q; want only what was written", body)
	}
}

func TestInvitationsPage(t *testing.T) {
	s := newSite(t, domain.RegistrationInvite)
	ctx := context.Background()
	admin, err := s.srv.Accounts.Create(ctx, accounts.NewUser{Username: "root", Password: "password-root", Name: "Root",
		Email: "root@example.edu", Role: "supervisor", Admin: true})
	if err != nil || !admin.Admin {
		t.Fatalf("admin: %+v %v", admin, err)
	}
	root := s.client(t)
	root.post("/login", form("username", "root", "password", "password-root"))
	r := root.post("/invites", form("role", "assistant", "department", "ICT"))
	if r.StatusCode != 201 {
		t.Fatalf("make an invitation: %d %s", r.StatusCode, alert(r.body))
	}
	m := regexp.MustCompile(`/register\?token=([A-Z0-9]+)`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the page does not show the invitation link")
	}
	f := registration("asha", "")
	f.Set("token", m[1])
	if r := s.client(t).post("/register", f); r.StatusCode != 303 {
		t.Fatalf("register with the invitation: %d %s", r.StatusCode, alert(r.body))
	}
	u, _ := s.srv.Store.UserByUsername(ctx, "asha")
	if u.Role != domain.RoleAssistant || u.Department != "ICT" {
		t.Errorf("invited user %+v; want an assistant of ICT", u)
	}
	asha := s.client(t)
	asha.post("/login", form("username", "asha", "password", "password-asha"))
	wantStatus(t, "an assistant invites an assistant", asha.post("/invites", form("role", "assistant")), 403)
	if r := asha.post("/invites", form("role", "judge")); r.StatusCode != 201 {
		t.Errorf("an assistant invites a judge: %d", r.StatusCode)
	}
	wantStatus(t, "an assistant invites an unknown role", asha.post("/invites", form("role", "dean")), 422)
	// Students and guests may not.
	s.srv.Accounts.Create(ctx, accounts.NewUser{Username: "stu", Password: "password-stu", Name: "Stu", Email: "stu@example.edu", Role: "student"})
	stu := s.client(t)
	stu.post("/login", form("username", "stu", "password", "password-stu"))
	wantStatus(t, "a student opens the invitations", stu.get("/invites"), 403)
	wantStatus(t, "a student invites", stu.post("/invites", form("role", "student")), 403)
	wantStatus(t, "a guest opens the invitations", s.client(t).get("/invites"), 401)
}
