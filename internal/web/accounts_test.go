package web

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

// Admins create accounts through /accounts, one by one or from a CSV file,
// whatever the registration mode; nobody else may.
func TestAccountsPage(t *testing.T) {
	s := newSite(t, domain.RegistrationClosed)
	ctx := context.Background()
	if _, err := s.srv.Accounts.Create(ctx, accounts.NewUser{Username: "root", Password: "password-root", Name: "Root",
		Email: "root@example.edu", Role: "supervisor", Admin: true}); err != nil {
		t.Fatal(err)
	}
	loggedIn := func(what string, r response) {
		t.Helper()
		if r.StatusCode != 303 {
			t.Errorf("%s: status %d; want 303 (message %q)", what, r.StatusCode, alert(r.body))
		}
	}
	root := s.client(t)
	root.post("/login", form("username", "root", "password", "password-root"))
	count := func() int {
		n, err := s.srv.Store.CountUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	page := root.get("/accounts")
	if page.StatusCode != 200 || !strings.Contains(page.body, `action="/accounts/import"`) || !strings.Contains(page.body, `href="/accounts"`) {
		t.Fatalf("GET /accounts as admin: %d; want the forms and a link in the menu", page.StatusCode)
	}
	// One account, of a role nobody may register as, on a closed site.
	r := root.post("/accounts", form("username", "Jude", "password", "password-jude", "name", "Jude Law",
		"email", "jude@example.edu", "role", "judge"))
	if r.StatusCode != 303 || r.Header.Get("Location") != "/accounts" {
		t.Fatalf("create a judge: %d to %q %s; want 303 to /accounts", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	if next := root.get("/accounts"); !strings.Contains(next.body, "Account @jude (Judge) created.") {
		t.Error("the accounts page does not say the account was created")
	}
	if u, err := s.srv.Store.UserByUsername(ctx, "jude"); err != nil || u.Role != domain.RoleJudge || u.Admin {
		t.Errorf("created %+v, %v; want a judge, not an admin", u, err)
	}
	jude := s.client(t)
	loggedIn("the created judge logs in", jude.post("/login", form("username", "jude", "password", "password-jude")))
	// Another admin.
	if r := root.post("/accounts", form("username", "ada", "password", "password-ada", "name", "Ada",
		"email", "ada@example.edu", "role", "assistant", "department", "ICT", "admin", "1")); r.StatusCode != 303 {
		t.Fatalf("create an admin: %d %s", r.StatusCode, alert(r.body))
	}
	if u, _ := s.srv.Store.UserByUsername(ctx, "ada"); !u.Admin || u.Department != "ICT" {
		t.Errorf("created %+v; want an admin assistant of ICT", u)
	}
	// Refusals write nothing and keep what was typed.
	before := count()
	for _, c := range []struct {
		name   string
		kv     []string
		status int
	}{
		{"bad email", []string{"username", "x1", "password", "password-x", "name", "X", "email", "nope", "role", "student"}, 422},
		{"short password", []string{"username", "x2", "password", "short", "name", "X", "email", "x2@example.edu", "role", "student"}, 422},
		{"unknown role", []string{"username", "x3", "password", "password-x", "name", "X", "email", "x3@example.edu", "role", "dean"}, 422},
		{"taken username", []string{"username", "jude", "password", "password-x", "name", "X", "email", "x4@example.edu", "role", "student"}, 409},
	} {
		r := root.post("/accounts", form(c.kv...))
		if r.StatusCode != c.status || !strings.Contains(r.body, `value="X"`) {
			t.Errorf("%s: %d; want %d and the form kept", c.name, r.StatusCode, c.status)
		}
	}
	if n := count(); n != before {
		t.Errorf("refused forms created %d accounts", n-before)
	}

	// A CSV import; one row without a password gets one, shown once.
	csv := "username,name,email,role,password\nbinh,Trần Bình,binh@example.edu,student,password-binh\ncuc,Lê Cúc,cuc@example.edu,supervisor,\n"
	r = root.upload("/accounts/import", "people.csv", []byte(csv))
	if r.StatusCode != 201 || !strings.Contains(r.body, "2 accounts created") {
		t.Fatalf("import: %d %s", r.StatusCode, alert(r.body))
	}
	m := regexp.MustCompile(`<code>([A-Za-z0-9]+)</code>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the generated password is not shown")
	}
	loggedIn("an imported user logs in with the generated password",
		s.client(t).post("/login", form("username", "cuc", "password", m[1])))
	loggedIn("an imported user logs in with the password of the file",
		s.client(t).post("/login", form("username", "binh", "password", "password-binh")))
	// A bad file: nothing created, the line named.
	before = count()
	r = root.upload("/accounts/import", "bad.csv", []byte("username,name,email\nok,Ok,ok@example.edu\nbad,Bad,bad-email\n"))
	if r.StatusCode != 422 || !strings.Contains(alert(r.body), "Line 3") {
		t.Errorf("import of a bad file: %d %q; want 422 naming line 3", r.StatusCode, alert(r.body))
	}
	if r := root.upload("/accounts/import", "", nil); r.StatusCode != 422 {
		t.Errorf("import without a file: %d; want 422", r.StatusCode)
	}
	if n := count(); n != before {
		t.Errorf("refused imports created %d accounts", n-before)
	}

	// A forgotten password: the admin gives a new one, shown once, and the
	// account's sessions end.
	r = root.post("/accounts/reset", form("reset_username", "jude"))
	m = regexp.MustCompile(`New password of .*<code>([A-Za-z0-9]+)</code>`).FindStringSubmatch(r.body)
	if r.StatusCode != 200 || m == nil {
		t.Fatalf("reset jude's password: %d %s", r.StatusCode, alert(r.body))
	}
	if home := jude.get("/"); strings.Contains(home.body, `class="me"`) {
		t.Error("jude's session outlived the reset of the password")
	}
	loggedIn("log in with the reset password", s.client(t).post("/login", form("username", "jude", "password", m[1])))
	wantStatus(t, "reset of an unknown account", root.post("/accounts/reset", form("reset_username", "nobody")), 404)
	wantStatus(t, "reset without a username", root.post("/accounts/reset", form("reset_username", " ")), 422)

	// A leaver's account is disabled: logged out, refused at login with a
	// reason; enabled again, it logs in.
	binh := s.client(t)
	loggedIn("binh logs in", binh.post("/login", form("username", "binh", "password", "password-binh")))
	// A project of root's, binh a member, and one of an ICT student whose
	// assistant ada assigns judges.
	if r := root.post("/p/create", form("name", "Leavers")); r.StatusCode != 303 {
		t.Fatalf("create a project: %d %s", r.StatusCode, alert(r.body))
	}
	if r := root.post("/p/1/invite", form("username", "binh")); r.StatusCode != 303 {
		t.Fatalf("invite binh: %d %s", r.StatusCode, alert(r.body))
	}
	if r := root.post("/accounts/disable", form("disable_username", "binh", "action", "disable")); r.StatusCode != 303 {
		t.Fatalf("disable binh: %d %s", r.StatusCode, alert(r.body))
	}
	if !strings.Contains(root.get("/accounts").body, "@binh is disabled") {
		t.Error("the accounts page does not say binh is disabled")
	}
	if home := binh.get("/"); strings.Contains(home.body, `class="me"`) {
		t.Error("binh's session outlived the disabling")
	}
	if !strings.Contains(root.get("/u/binh").body, "account disabled") {
		t.Error("binh's profile does not tell an admin the account is disabled")
	}
	if strings.Contains(s.client(t).get("/u/binh").body, "account disabled") {
		t.Error("binh's profile tells a guest the account is disabled")
	}
	wantStatus(t, "assign a task to a disabled student", root.post("/p/1/tasks/create", form("name", "T", "assignee", "binh")), 422)
	if r := root.post("/accounts/disable", form("disable_username", "cuc", "action", "disable")); r.StatusCode != 303 {
		t.Fatalf("disable cuc: %d", r.StatusCode)
	}
	wantStatus(t, "invite a disabled account", root.post("/p/1/invite", form("username", "cuc")), 422)
	// A disabled judge is not assigned: an ICT student's project, whose
	// assistant is ada.
	if r := root.post("/accounts", form("username", "ict", "password", "password-ict", "name", "Ict", "email", "ict@example.edu",
		"role", "student", "department", "ICT")); r.StatusCode != 303 {
		t.Fatalf("create ict: %d %s", r.StatusCode, alert(r.body))
	}
	ict := s.client(t)
	ict.post("/login", form("username", "ict", "password", "password-ict"))
	if r := ict.post("/p/create", form("name", "ICT project")); r.StatusCode != 303 {
		t.Fatalf("ict creates a project: %d %s", r.StatusCode, alert(r.body))
	}
	adaC := s.client(t)
	adaC.post("/login", form("username", "ada", "password", "password-ada"))
	root.post("/accounts/disable", form("disable_username", "jude", "action", "disable"))
	wantStatus(t, "assign a disabled judge", adaC.post("/p/2/judges", form("username", "jude")), 422)
	root.post("/accounts/disable", form("disable_username", "jude", "action", "enable"))
	if r := adaC.post("/p/2/judges", form("username", "jude")); r.StatusCode != 303 {
		t.Errorf("assign jude, enabled again: %d %s", r.StatusCode, alert(r.body))
	}
	r = s.client(t).post("/login", form("username", "binh", "password", "password-binh"))
	if r.StatusCode != 403 || !strings.Contains(alert(r.body), "disabled") {
		t.Errorf("log in to a disabled account: %d %q; want 403 saying it is disabled", r.StatusCode, alert(r.body))
	}
	if r := root.post("/accounts/disable", form("disable_username", "binh", "action", "enable")); r.StatusCode != 303 {
		t.Fatalf("enable binh: %d %s", r.StatusCode, alert(r.body))
	}
	loggedIn("binh logs in again", s.client(t).post("/login", form("username", "binh", "password", "password-binh")))
	wantStatus(t, "an admin disables their own account", root.post("/accounts/disable", form("disable_username", "root", "action", "disable")), 403)
	wantStatus(t, "disable without an action", root.post("/accounts/disable", form("disable_username", "binh")), 422)
	wantStatus(t, "disable an unknown account", root.post("/accounts/disable", form("disable_username", "nobody", "action", "disable")), 404)

	// Nobody else.
	asst := s.client(t)
	asst.post("/login", form("username", "jude", "password", m[1]))
	wantStatus(t, "a judge opens the accounts", asst.get("/accounts"), 403)
	wantStatus(t, "a judge creates an account", asst.post("/accounts", form("username", "y", "password", "password-y",
		"name", "Y", "email", "y@example.edu")), 403)
	wantStatus(t, "a judge imports", asst.upload("/accounts/import", "a.csv", []byte(csv)), 403)
	wantStatus(t, "a judge resets a password", asst.post("/accounts/reset", form("reset_username", "root")), 403)
	wantStatus(t, "a judge disables an account", asst.post("/accounts/disable", form("disable_username", "root", "action", "disable")), 403)
	wantStatus(t, "a guest disables an account", s.client(t).post("/accounts/disable", form("disable_username", "root", "action", "disable")), 401)
	wantStatus(t, "a guest resets a password", s.client(t).post("/accounts/reset", form("reset_username", "root")), 401)
	guest := s.client(t)
	wantStatus(t, "a guest opens the accounts", guest.get("/accounts"), 401)
	wantStatus(t, "a guest imports", guest.upload("/accounts/import", "a.csv", []byte(csv)), 401)
	if strings.Contains(asst.get("/").body, `href="/accounts"`) {
		t.Error("a judge's menu links to the accounts")
	}
}
