package web

// HTTP-level tests of issue 3 (collaboration): projects, members, the
// board, tasks, the discussion, their listings, XSS and concurrency. The
// permission table and the browser tests live elsewhere.

import (
	"golang.org/x/net/html"
	_ "time/tzdata" // the test needs Europe/Paris on any machine

	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
)

// account makes a user directly through the accounts service (any role,
// any department, any name) and returns a client logged in as it.
func (s *site) account(t *testing.T, username, role, department, name string) *client {
	t.Helper()
	if name == "" {
		name = "Name " + username
	}
	_, err := s.srv.Accounts.Create(context.Background(), accounts.NewUser{
		Username: username, Password: "password-" + username, Name: name,
		Email: username + "@example.edu", Role: role, Department: department,
	})
	if err != nil {
		t.Fatalf("create %s (%s): %v", username, role, err)
	}
	c := s.client(t)
	if r := c.post("/login", form("username", username, "password", "password-"+username)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", username, r.StatusCode, alert(r.body))
	}
	return c
}

var (
	infoLocation = regexp.MustCompile(`^/p/(\d+)/info$`)
	taskLocation = regexp.MustCompile(`^/p/(\d+)/tasks/(\d+)$`)
)

// newProject creates a project through the form and returns its id.
func (c *client) newProject(name string, kv ...string) int64 {
	c.t.Helper()
	r := c.post("/p/create", form(append([]string{"name", name}, kv...)...))
	m := infoLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		c.t.Fatalf("create project %q: %d to %q (%s); want 303 to /p/{id}/info", name, r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// newTask creates a task through the form and returns its number.
func (c *client) newTask(project int64, name string, kv ...string) int {
	c.t.Helper()
	r := c.post(fmt.Sprintf("/p/%d/tasks/create", project), form(append([]string{"name", name}, kv...)...))
	m := taskLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil || m[1] != strconv.FormatInt(project, 10) {
		c.t.Fatalf("create task %q in %d: %d to %q (%s); want 303 to /p/%d/tasks/{n}", name, project, r.StatusCode,
			r.Header.Get("Location"), alert(r.body), project)
	}
	n, _ := strconv.Atoi(m[2])
	return n
}

// invite adds username to the project, failing the test if refused.
func (c *client) invite(project int64, username string) {
	c.t.Helper()
	if r := c.post(fmt.Sprintf("/p/%d/invite", project), form("username", username)); r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("invite %s to %d: %d %s", username, project, r.StatusCode, alert(r.body))
	}
}

// seeOther checks a 303 to the path want (a prefix when it ends in "*").
func seeOther(t *testing.T, what string, r response, want string) {
	t.Helper()
	loc := r.Header.Get("Location")
	ok := loc == want
	if p, prefix := strings.CutSuffix(want, "*"); prefix {
		ok = strings.HasPrefix(loc, p)
	}
	if r.StatusCode != http.StatusSeeOther || !ok {
		t.Errorf("%s: %d to %q (%s); want 303 to %s", what, r.StatusCode, loc, alert(r.body), want)
	}
}

// wantMessage checks a refusal's status and that its message says want.
func wantMessage(t *testing.T, what string, r response, status int, want string) {
	t.Helper()
	wantStatus(t, what, r, status)
	if msg := alert(r.body); !strings.Contains(strings.ToLower(msg), strings.ToLower(want)) {
		t.Errorf("%s: message %q does not say %q", what, msg, want)
	}
}

// postRaw posts a form without touching testing.T, for goroutines.
func postRaw(c *client, path string, f url.Values) (int, string, error) {
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

// section returns the first part of body from start up to and including
// end, or "".
func htmlSection(body, start, end string) string {
	i := strings.Index(body, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j+len(end)]
}

var liTag = regexp.MustCompile(`<li[\s>]|</li>`)

// commentElement returns the whole <li> element of comment id, nested
// elements included.
func commentElement(body string, id string) string {
	start := strings.Index(body, `<li class="comment" id="c`+id+`"`)
	if start < 0 {
		return ""
	}
	depth := 0
	for _, m := range liTag.FindAllStringIndex(body[start:], -1) {
		if body[start+m[0]+1] == '/' {
			if depth--; depth == 0 {
				return body[start : start+m[1]]
			}
		} else {
			depth++
		}
	}
	return body[start:]
}

// boardColumn returns the status of the board column holding task n.
func boardColumn(body string, n int) string {
	for _, part := range strings.Split(body, `<section class="column `)[1:] {
		if strings.Contains(part, fmt.Sprintf(`id="task-%d"`, n)) {
			st, _, _ := strings.Cut(part, `"`)
			return st
		}
	}
	return ""
}

var columnCount = regexp.MustCompile(`<h2 id="col-(\w+)">[^<]*<span class="count">(\d+)</span>`)

// columnCounts reads the count shown in each column's heading.
func columnCounts(body string) map[string]int {
	out := map[string]int{}
	for _, m := range columnCount.FindAllStringSubmatch(body, -1) {
		out[m[1]], _ = strconv.Atoi(m[2])
	}
	return out
}

var historyItem = regexp.MustCompile(`(?:created it in ([^<]+)|moved it from ([^<]+?) to ([^<]+))</li>`)

// historyEvent is one line of a task's history: From is "" for creation.
type historyEvent struct{ From, To string }

func taskHistory(body string) []historyEvent {
	var out []historyEvent
	for _, m := range historyItem.FindAllStringSubmatch(htmlSection(body, `<ol class="history">`, `</ol>`), -1) {
		if m[1] != "" {
			out = append(out, historyEvent{To: m[1]})
		} else {
			out = append(out, historyEvent{From: m[2], To: m[3]})
		}
	}
	return out
}

// projectVersion is the stored version of a project, for clients of the
// strict `version` check.
func projectVersion(t *testing.T, s *site, id int64) string {
	t.Helper()
	p, err := s.srv.Store.ProjectByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(p.Version)
}

func taskVersion(t *testing.T, s *site, id int64, n int) string {
	t.Helper()
	tk, err := s.srv.Store.TaskByNumber(context.Background(), id, n)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(tk.Version)
}

// formTimeUTC writes t as the form's YYYY-MM-DDTHH:MM (the test site's
// time zone is UTC).
func formTimeUTC(t time.Time) string { return t.UTC().Format("2006-01-02T15:04") }

// exactTime is how pages show a time on hover (the datetime function).
func exactTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }

func TestCollabCreateProject(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "supervisor")
	judge := s.account(t, "jules", "judge", "Physics", "")
	assistant := s.account(t, "asha", "assistant", "Physics", "")
	guest := s.client(t)

	if r := ada.get("/p/create"); r.StatusCode != 200 || !strings.Contains(r.body, `action="/p/create"`) {
		t.Errorf("GET /p/create: %d, form shown: %v", r.StatusCode, strings.Contains(r.body, `action="/p/create"`))
	}
	id := ada.newProject("Kanban thesis", "description", "Our **thesis**", "deadline", "2031-06-30")
	info := ada.get(fmt.Sprintf("/p/%d/info", id))
	for _, want := range []string{"Kanban thesis", "<strong>thesis</strong>", `href="/u/ada"`, "Name ada", exactTime(time.Date(2031, 6, 30, 23, 59, 0, 0, time.UTC))} {
		if !strings.Contains(info.body, want) {
			t.Errorf("info of the new project lacks %q", want)
		}
	}
	if ms := ada.get(fmt.Sprintf("/p/%d/members", id)); !strings.Contains(htmlSection(ms.body, `<ul class="people">`, `</ul>`), "@ada") {
		t.Error("the creator is not listed on the members tab")
	}
	id2 := ada.newProject("With a time", "deadline", "2031-06-30T14:30")
	if info := ada.get(fmt.Sprintf("/p/%d/info", id2)); !strings.Contains(info.body, exactTime(time.Date(2031, 6, 30, 14, 30, 0, 0, time.UTC))) {
		t.Error("a YYYY-MM-DDTHH:MM deadline is not shown at its exact time")
	}
	if id2 == id {
		t.Error("two projects got the same id")
	}
	bob.newProject("Supervised research") // supervisors create projects too

	r := ada.post("/p/create", form("name", "Bad date", "deadline", "next week"))
	wantMessage(t, "bad deadline", r, 422, "YYYY-MM-DD")
	if !strings.Contains(r.body, `value="Bad date"`) {
		t.Error("the refused form lost the name typed")
	}
	wantStatus(t, "impossible date", ada.post("/p/create", form("name", "Bad date", "deadline", "2031-02-30")), 422)
	wantMessage(t, "empty name", ada.post("/p/create", form("name", "   ", "description", "x")), 422, "name")
	wantStatus(t, "no name field", ada.post("/p/create", form("description", "x")), 422)
	wantStatus(t, "judge creates (GET)", judge.get("/p/create"), 403)
	wantStatus(t, "judge creates (POST)", judge.post("/p/create", form("name", "Judged")), 403)
	wantStatus(t, "assistant creates (GET)", assistant.get("/p/create"), 403)
	wantStatus(t, "assistant creates (POST)", assistant.post("/p/create", form("name", "Assisted")), 403)
	wantStatus(t, "guest creates (GET)", guest.get("/p/create"), 401)
	wantStatus(t, "guest creates (POST)", guest.post("/p/create", form("name", "Guessed")), 401)

	// None of the refused creations wrote a project.
	for _, who := range []string{"ada", "bob", "jules", "asha"} {
		u, err := s.srv.Store.UserByUsername(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := s.srv.Projects.List(context.Background(), u, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"ada": 2, "bob": 1}[who]
		if len(ps) != want {
			t.Errorf("%s is in %d projects; want %d", who, len(ps), want)
		}
		for _, p := range ps {
			if p.Name == "Bad date" || p.Name == "Judged" || p.Name == "Assisted" || p.Name == "Guessed" {
				t.Errorf("a refused creation wrote project %q", p.Name)
			}
		}
	}
}

func TestCollabProjectRootAndUnknownIDs(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	id := ada.newProject("Real")
	ada.newTask(id, "Real task")

	r := ada.get(fmt.Sprintf("/p/%d", id))
	if r.StatusCode < 300 || r.StatusCode > 399 || r.Header.Get("Location") != fmt.Sprintf("/p/%d/info", id) {
		t.Errorf("/p/%d: %d to %q; want a redirect to /p/%d/info", id, r.StatusCode, r.Header.Get("Location"), id)
	}
	if r := s.client(t).get(fmt.Sprintf("/p/%d", id)); r.StatusCode != 401 {
		t.Errorf("guest /p/%d: %d; want 401", id, r.StatusCode)
	}

	gets := []string{"", "/info", "/edit", "/members", "/tasks", "/tasks/create", "/tasks/1", "/tasks/1/edit"}
	posts := map[string]url.Values{
		"/edit":            form("name", "Renamed"),
		"/invite":          form("username", "ada"),
		"/leave":           nil,
		"/tasks/create":    form("name", "A task"),
		"/tasks/1/edit":    form("name", "Renamed"),
		"/tasks/1/move":    form("status", "done"),
		"/tasks/1/comment": form("content", "Hello"),
	}
	for _, bad := range []string{"999", "abc", "0", "-1", "1.5", "99999999999999999999"} {
		for _, tab := range gets {
			wantStatus(t, "GET /p/"+bad+tab, ada.get("/p/"+bad+tab), 404)
		}
		for tab, f := range posts {
			wantStatus(t, "POST /p/"+bad+tab, ada.post("/p/"+bad+tab, f), 404)
		}
	}
	// Judges and assistants are logged in too: unknown is 404 for them.
	for _, c := range []*client{s.account(t, "jules", "judge", "ICT", ""), s.account(t, "asha", "assistant", "ICT", "")} {
		for _, tab := range gets {
			wantStatus(t, "judge or assistant GET /p/999"+tab, c.get("/p/999"+tab), 404)
		}
		wantStatus(t, "judge or assistant POST /p/999/tasks/1/comment", c.post("/p/999/tasks/1/comment", form("content", "x")), 404)
	}
	// Guests are asked to log in first.
	for _, bad := range []string{"999", "abc"} {
		wantStatus(t, "guest GET /p/"+bad+"/info", s.client(t).get("/p/"+bad+"/info"), 401)
		wantStatus(t, "guest POST /p/"+bad+"/leave", s.client(t).post("/p/"+bad+"/leave", nil), 401)
	}
	// Unknown tasks of a real project are 404 too.
	p := fmt.Sprintf("/p/%d", id)
	for _, n := range []string{"99", "abc", "0", "-1"} {
		wantStatus(t, "GET task "+n, ada.get(p+"/tasks/"+n), 404)
		wantStatus(t, "GET edit task "+n, ada.get(p+"/tasks/"+n+"/edit"), 404)
		wantStatus(t, "edit task "+n, ada.post(p+"/tasks/"+n+"/edit", form("name", "x")), 404)
		wantStatus(t, "move task "+n, ada.post(p+"/tasks/"+n+"/move", form("status", "done")), 404)
		wantStatus(t, "comment on task "+n, ada.post(p+"/tasks/"+n+"/comment", form("content", "x")), 404)
	}
	// Nothing of that changed the real project.
	if r := ada.get(p + "/info"); !strings.Contains(r.body, "<h1>Real</h1>") {
		t.Error("the requests on unknown ids changed the real project")
	}
	if tp := ada.get(p + "/tasks/1"); strings.Contains(tp.body, "Hello") || len(taskHistory(tp.body)) != 1 {
		t.Error("the requests on unknown ids changed the real task")
	}
}

func TestCollabInfoPage(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "supervisor")
	s.register(t, "cy", "student")
	now := time.Now().UTC()

	due := now.Add(3*24*time.Hour + time.Hour).Truncate(time.Minute)
	id := ada.newProject("Info project", "description", "# Plan\n\nWe build a *board*.\n\n- one\n- two", "deadline", formTimeUTC(due))
	ada.invite(id, "bob")
	ada.invite(id, "cy")
	ada.newTask(id, "Done one")
	ada.newTask(id, "Late one", "deadline", formTimeUTC(now.Add(-26*time.Hour)))
	ada.newTask(id, "Open one")
	if r := ada.post(fmt.Sprintf("/p/%d/tasks/1/move", id), form("status", "done")); r.StatusCode != 303 {
		t.Fatalf("move: %d %s", r.StatusCode, alert(r.body))
	}

	info := ada.get(fmt.Sprintf("/p/%d/info", id))
	if info.StatusCode != 200 {
		t.Fatalf("info: %d", info.StatusCode)
	}
	deadline := regexp.MustCompile(`<time[^>]*title="` + regexp.QuoteMeta(exactTime(due)) + `"[^>]*>in 3 days</time>`)
	for what, ok := range map[string]bool{
		"name":                      strings.Contains(info.body, "<h1>Info project</h1>"),
		"Markdown description":      strings.Contains(info.body, "<h1>Plan</h1>") && strings.Contains(info.body, "<em>board</em>") && strings.Contains(info.body, "<li>one</li>"),
		"in 3 days, exact on hover": deadline.MatchString(info.body),
		"members":                   strings.Contains(info.body, `href="/u/ada"`) && strings.Contains(info.body, `href="/u/bob"`) && strings.Contains(info.body, `href="/u/cy"`),
		"supervisor marked":         strings.Contains(info.body, "Name bob</a> <span class=\"muted\">(supervisor)</span>"),
		"progress 1/3":              strings.Contains(info.body, "1/3 done"),
		"overdue count":             strings.Contains(info.body, "1 overdue"),
		"progress bar":              strings.Contains(info.body, `<progress max="3" value="1"`),
		"creation time":             strings.Contains(info.body, "Created") && strings.Contains(info.body, "just now"),
	} {
		if !ok {
			t.Errorf("info page: %s missing", what)
		}
	}

	late := now.Add(-(2*24*time.Hour + time.Hour)).Truncate(time.Minute)
	id2 := ada.newProject("Late project", "deadline", formTimeUTC(late))
	info2 := ada.get(fmt.Sprintf("/p/%d/info", id2))
	overdue := regexp.MustCompile(`<time[^>]*title="` + regexp.QuoteMeta(exactTime(late)) + `"[^>]*>overdue by 2 days</time>`)
	if !overdue.MatchString(info2.body) {
		t.Errorf("a passed deadline is not shown as \"overdue by 2 days\" with its exact time on hover")
	}
	if !strings.Contains(info2.body, `class="late"`) {
		t.Error("a passed deadline is not highlighted")
	}
	if !strings.Contains(info2.body, "No description yet") || !strings.Contains(info2.body, "0/0 done") {
		t.Error("an empty project does not say it has no description and no tasks")
	}
	id3 := ada.newProject("No deadline")
	if info3 := ada.get(fmt.Sprintf("/p/%d/info", id3)); !strings.Contains(info3.body, "no deadline") {
		t.Error("a project without deadline does not say so")
	}
}

func TestCollabProjectEdit(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	id := ada.newProject("Before", "description", "old")
	p := fmt.Sprintf("/p/%d", id)
	edit := ada.get(p + "/edit")
	if edit.StatusCode != 200 || !strings.Contains(edit.body, `value="Before"`) {
		t.Fatalf("edit form: %d, filled in: %v", edit.StatusCode, strings.Contains(edit.body, `value="Before"`))
	}
	v := projectVersion(t, s, id)
	seeOther(t, "edit", ada.post(p+"/edit", form("version", v, "name", "After", "description", "new *text*", "deadline", "2031-01-02")), p+"/info")
	info := ada.get(p + "/info")
	if !strings.Contains(info.body, "<h1>After</h1>") || !strings.Contains(info.body, "<em>text</em>") {
		t.Error("the edit did not show on the info page")
	}
	wantMessage(t, "edit from a stale form", ada.post(p+"/edit", form("version", v, "name", "Lost")), 409, "reload")
	wantStatus(t, "edit with a bad deadline", ada.post(p+"/edit", form("name", "x", "deadline", "tomorrow")), 422)
	wantStatus(t, "edit to an empty name", ada.post(p+"/edit", form("name", "")), 422)
	if info := ada.get(p + "/info"); !strings.Contains(info.body, "<h1>After</h1>") {
		t.Error("a refused edit changed the project")
	}
	seeOther(t, "edit without version", ada.post(p+"/edit", form("name", "Again")), p+"/info")
}

func TestCollabInvite(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	s.register(t, "carol", "supervisor")
	s.account(t, "jules", "judge", "Physics", "")
	s.account(t, "asha", "assistant", "Physics", "")
	id := ada.newProject("Invites")
	p := fmt.Sprintf("/p/%d", id)

	unknown := ada.post(p+"/invite", form("username", "nobody"))
	if unknown.StatusCode != 404 && unknown.StatusCode != 422 {
		t.Errorf("invite an unknown user: %d; want 404 or 422", unknown.StatusCode)
	}
	wantMessage(t, "invite an unknown user", unknown, unknown.StatusCode, "nobody")
	member := ada.post(p+"/invite", form("username", "ada"))
	wantMessage(t, "invite a member", member, 409, "already a member")
	judge := ada.post(p+"/invite", form("username", "jules"))
	wantMessage(t, "invite a judge", judge, 422, "judge")
	assistant := ada.post(p+"/invite", form("username", "asha"))
	wantMessage(t, "invite an assistant", assistant, 422, "assistant")
	wantStatus(t, "invite nobody", ada.post(p+"/invite", form("username", "  ")), 422)
	msgs := map[string]bool{}
	for _, r := range []response{unknown, member, judge, assistant} {
		msgs[alert(r.body)] = true
	}
	if len(msgs) != 4 {
		t.Errorf("the four refusals do not each have their own message: %v", msgs)
	}
	if !strings.Contains(judge.body, `value="jules"`) {
		t.Error("the refused invite form lost the username typed")
	}
	wantStatus(t, "an outsider invites", bob.post(p+"/invite", form("username", "bob")), 403)

	seeOther(t, "invite a student", ada.post(p+"/invite", form("username", "bob")), p+"/members")
	seeOther(t, "invite a supervisor", ada.post(p+"/invite", form("username", "Carol")), p+"/members")
	members := ada.get(p + "/members")
	people := htmlSection(members.body, `<ul class="people">`, `</ul>`)
	for _, want := range []string{"@ada · Student", "@bob · Student", "@carol · Supervisor"} {
		if !strings.Contains(people, want) {
			t.Errorf("members tab lacks %q:\n%s", want, people)
		}
	}
	for _, never := range []string{"@jules", "@asha", "@nobody"} {
		if strings.Contains(people, never) {
			t.Errorf("a refused invite made %s a member", never)
		}
	}
	if !strings.Contains(members.body, "Name carol joined the project as a supervisor") {
		t.Error("no notice after the invite")
	}
	ms, err := s.srv.Store.Members(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]domain.Role{}
	for _, m := range ms {
		roles[m.User.Username] = m.Role
	}
	if len(roles) != 3 || roles["bob"] != domain.RoleStudent || roles["carol"] != domain.RoleSupervisor {
		t.Errorf("members in the store: %v; want ada and bob students, carol supervisor", roles)
	}
	wantMessage(t, "invite a member again, other case", ada.post(p+"/invite", form("username", "BOB")), 409, "already a member")
	if r := bob.get(p + "/info"); r.StatusCode != 200 {
		t.Errorf("the invited student cannot open the project: %d", r.StatusCode)
	}
}

func TestCollabLeave(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "supervisor")
	id := ada.newProject("Leaving")
	p := fmt.Sprintf("/p/%d", id)

	wantMessage(t, "the last member leaves", ada.post(p+"/leave", nil), 409, "last member")
	if r := ada.get(p + "/info"); r.StatusCode != 200 {
		t.Fatalf("the refused leave took the last member out: %d", r.StatusCode)
	}
	ada.invite(id, "bob")
	r := bob.post(p+"/leave", nil)
	if r.StatusCode != 303 {
		t.Fatalf("a member who is not last leaves: %d %s", r.StatusCode, alert(r.body))
	}
	if people := htmlSection(ada.get(p+"/members").body, `<ul class="people">`, `</ul>`); strings.Contains(people, "@bob") || !strings.Contains(people, "@ada") {
		t.Errorf("after bob left the members are:\n%s", people)
	}
	wantStatus(t, "after leaving, info", bob.get(p+"/info"), 403)
	wantStatus(t, "after leaving, board", bob.get(p+"/tasks"), 403)
	wantStatus(t, "after leaving, leave again", bob.post(p+"/leave", nil), 403)
	wantStatus(t, "after leaving, invite oneself back", bob.post(p+"/invite", form("username", "bob")), 403)
	if strings.Contains(bob.get("/").body, "Leaving") {
		t.Error("the project is still on the dashboard of who left it")
	}
	wantMessage(t, "the last member again", ada.post(p+"/leave", nil), 409, "last member")

	// A student who leaves is no longer the assignee of the project's tasks.
	cy := s.register(t, "cy", "student")
	ada.invite(id, "cy")
	n := ada.newTask(id, "Assigned to cy", "assignee", "cy")
	if r := cy.post(p+"/leave", nil); r.StatusCode != 303 {
		t.Fatalf("cy leaves: %d", r.StatusCode)
	}
	if page := ada.get(fmt.Sprintf("%s/tasks/%d", p, n)).body; strings.Contains(page, `href="/u/cy"`) {
		t.Error("the task is still assigned to the student who left")
	}
}

func TestCollabTasks(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "student")
	s.register(t, "carol", "supervisor")
	dan := s.register(t, "dan", "student")
	id := ada.newProject("Tasks")
	ada.invite(id, "bob")
	ada.invite(id, "carol")
	p := fmt.Sprintf("/p/%d", id)

	if r := ada.get(p + "/tasks/create"); r.StatusCode != 200 || !strings.Contains(r.body, `<option value="bob"`) ||
		strings.Contains(r.body, `<option value="carol"`) {
		t.Errorf("task form: %d; it must offer the student members only", r.StatusCode)
	}
	r := ada.post(p+"/tasks/create", form("name", "Write the intro", "description", "See **notes**", "assignee", "bob", "deadline", "2031-03-01"))
	seeOther(t, "create task", r, p+"/tasks/1")
	if n := ada.newTask(id, "Second"); n != 2 {
		t.Errorf("second task is #%d", n)
	}
	other := dan.newProject("Other")
	if n := dan.newTask(other, "Elsewhere"); n != 1 {
		t.Errorf("the first task of another project is #%d; want #1", n)
	}
	if n := ada.newTask(id, "Third"); n != 3 {
		t.Errorf("third task is #%d; want #3 whatever other projects do", n)
	}

	wantMessage(t, "assign a supervisor member", ada.post(p+"/tasks/create", form("name", "x", "assignee", "carol")), 422, "student member")
	wantMessage(t, "assign a non-member", ada.post(p+"/tasks/create", form("name", "x", "assignee", "dan")), 422, "student member")
	wantMessage(t, "assign an unknown user", ada.post(p+"/tasks/create", form("name", "x", "assignee", "ghost")), 422, "student member")
	wantStatus(t, "task without a name", ada.post(p+"/tasks/create", form("name", " ")), 422)
	wantStatus(t, "task with a bad deadline", ada.post(p+"/tasks/create", form("name", "x", "deadline", "soon")), 422)
	wantStatus(t, "move to an unknown status", ada.post(p+"/tasks/1/move", form("status", "archived")), 422)
	wantStatus(t, "move without status", ada.post(p+"/tasks/1/move", nil), 422)
	wantStatus(t, "edit to an unknown status", ada.post(p+"/tasks/1/edit", form("name", "x", "status", "archived")), 422)
	wantStatus(t, "edit to a supervisor assignee", ada.post(p+"/tasks/1/edit", form("assignee", "carol")), 422)
	if n := ada.newTask(id, "Fourth"); n != 4 {
		t.Errorf("after refused creations the next task is #%d; want #4 (no number used up)", n)
	}

	task := ada.get(p + "/tasks/1")
	for _, want := range []string{"Write the intro", "<strong>notes</strong>", `href="/u/bob"`, "To do", exactTime(time.Date(2031, 3, 1, 23, 59, 0, 0, time.UTC))} {
		if !strings.Contains(task.body, want) {
			t.Errorf("task page lacks %q", want)
		}
	}
	if r := ada.get(p + "/tasks/1/edit"); r.StatusCode != 200 || !strings.Contains(r.body, `value="Write the intro"`) {
		t.Errorf("task edit form: %d", r.StatusCode)
	}

	// Edit changes every field; the page shows them.
	seeOther(t, "edit task", ada.post(p+"/tasks/1/edit", form("name", "Write the introduction", "description", "Now _italic_",
		"assignee", "ada", "deadline", "2031-04-05T09:15", "status", "doing")), p+"/tasks/1")
	task = ada.get(p + "/tasks/1")
	for _, want := range []string{"Write the introduction", "<em>italic</em>", `<dd><a href="/u/ada">Name ada</a></dd>`,
		`<span class="status doing">In progress</span>`, exactTime(time.Date(2031, 4, 5, 9, 15, 0, 0, time.UTC))} {
		if !strings.Contains(task.body, want) {
			t.Errorf("after the edit the task page lacks %q", want)
		}
	}
	seeOther(t, "unassign", ada.post(p+"/tasks/1/edit", form("assignee", "")), p+"/tasks/1")
	if !strings.Contains(ada.get(p+"/tasks/1").body, `<span class="muted">nobody</span>`) {
		t.Error("unassigning left an assignee")
	}

	// Move changes the column; every change is in the history.
	seeOther(t, "move", ada.post(p+"/tasks/1/move", form("status", "done")), p+"/tasks*")
	board := ada.get(p + "/tasks")
	if got := boardColumn(board.body, 1); got != "done" {
		t.Errorf("after the move #1 is in column %q; want done", got)
	}
	if got := boardColumn(board.body, 2); got != "todo" {
		t.Errorf("#2 is in column %q; want todo", got)
	}
	if c := columnCounts(board.body); c["todo"] != 3 || c["doing"] != 0 || c["done"] != 1 {
		t.Errorf("column counts %v; want todo 3, doing 0, done 1", c)
	}
	seeOther(t, "move to where it is", ada.post(p+"/tasks/1/move", form("status", "done")), p+"/tasks*")
	seeOther(t, "move by the supervisor", s.client(t).withLogin(t, "carol").post(p+"/tasks/1/move", form("status", "todo")), p+"/tasks*")
	want := []historyEvent{{"", "To do"}, {"To do", "In progress"}, {"In progress", "Done"}, {"Done", "To do"}}
	task = ada.get(p + "/tasks/1")
	if got := taskHistory(task.body); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history %v; want %v", got, want)
	}
	if !strings.Contains(htmlSection(task.body, `<ol class="history">`, `</ol>`), `href="/u/carol"`) {
		t.Error("the history does not say who moved the task")
	}

	// The board script's JSON move.
	req, _ := http.NewRequest("POST", ada.base+p+"/tasks/2/move", strings.NewReader("status=doing"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if r := ada.do(req); r.StatusCode != 200 || !strings.Contains(r.body, `"status":"doing"`) {
		t.Errorf("JSON move: %d %s", r.StatusCode, r.body)
	}

	// Edits from a stale form are refused; edits without version pass.
	v := taskVersion(t, s, id, 2)
	seeOther(t, "edit with the current version", ada.post(p+"/tasks/2/edit", form("version", v, "name", "Second, edited")), p+"/tasks/2")
	wantMessage(t, "edit with a stale version", ada.post(p+"/tasks/2/edit", form("version", v, "name", "Lost edit")), 409, "reload")
	if strings.Contains(ada.get(p+"/tasks/2").body, "Lost edit") {
		t.Error("the stale edit was written")
	}
	seeOther(t, "edit without version", ada.post(p+"/tasks/2/edit", form("name", "Second, again")), p+"/tasks/2")
	if !strings.Contains(ada.get(p+"/tasks/2").body, "Second, again") {
		t.Error("the edit without version was not written")
	}
	// A move also makes an older form stale.
	v = taskVersion(t, s, id, 3)
	ada.post(p+"/tasks/3/move", form("status", "done"))
	wantStatus(t, "edit from a form older than a move", ada.post(p+"/tasks/3/edit", form("version", v, "status", "todo")), 409)
}

// withLogin logs the client in as username (password "password-"+username).
func (c *client) withLogin(t *testing.T, username string) *client {
	t.Helper()
	if r := c.post("/login", form("username", username, "password", "password-"+username)); r.StatusCode != 303 {
		t.Fatalf("login %s: %d", username, r.StatusCode)
	}
	return c
}

var commentLocation = regexp.MustCompile(`^/p/(\d+)/tasks/(\d+)#c(\d+)$`)

// comment posts a comment and returns its id.
func (c *client) comment(project int64, task int, content, parent string) string {
	c.t.Helper()
	f := form("content", content)
	if parent != "" {
		f.Set("parent", parent)
	}
	r := c.post(fmt.Sprintf("/p/%d/tasks/%d/comment", project, task), f)
	m := commentLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != 303 || m == nil || m[1] != strconv.FormatInt(project, 10) || m[2] != strconv.Itoa(task) {
		c.t.Fatalf("comment on %d#%d: %d to %q (%s)", project, task, r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	return m[3]
}

func TestCollabDiscussion(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "supervisor")
	dan := s.register(t, "dan", "student")
	id := ada.newProject("Talk")
	ada.invite(id, "bob")
	ada.newTask(id, "First")
	ada.newTask(id, "Second")
	other := dan.newProject("Elsewhere")
	dan.newTask(other, "Theirs")
	p := fmt.Sprintf("/p/%d", id)

	top := ada.comment(id, 1, "Hello @bob, see #2 and **this**.", "")
	reply := bob.comment(id, 1, "Thanks, @ada!", top)
	deep := ada.comment(id, 1, "A reply to the reply", reply)
	second := bob.comment(id, 1, "Another thread", "")
	onTwo := ada.comment(id, 2, "On the second task", "")
	theirs := dan.comment(other, 1, "In another project", "")

	page := ada.get(p + "/tasks/1")
	topEl := commentElement(page.body, top)
	if topEl == "" {
		t.Fatal("the top-level comment is not on the page")
	}
	replyEl := commentElement(topEl, reply)
	if replyEl == "" {
		t.Error("the reply is not nested inside its parent's element")
	}
	if commentElement(replyEl, deep) == "" {
		t.Error("the reply to the reply is not nested inside the reply")
	}
	if strings.Contains(topEl, `id="c`+second+`"`) {
		t.Error("the second thread is nested in the first")
	}
	if commentElement(page.body, second) == "" {
		t.Error("the second top-level comment is missing")
	}
	if strings.Contains(page.body, "On the second task") || strings.Contains(page.body, "In another project") {
		t.Error("comments of other tasks are shown")
	}
	for _, want := range []string{
		`href="/u/bob"`, fmt.Sprintf(`href="%s/tasks/2"`, p), "<strong>this</strong>", `href="/u/ada"`,
		`<span class="count">4</span>`, "Name bob", "just now",
	} {
		if !strings.Contains(topEl+page.body, want) {
			t.Errorf("discussion lacks %q", want)
		}
	}
	if !strings.Contains(topEl, `<a href="/u/bob" class="mention"`) || !strings.Contains(topEl, `<a href="`+p+`/tasks/2" class="task-ref"`) {
		t.Errorf("@bob and #2 are not linked in the comment:\n%s", topEl)
	}
	if !strings.Contains(topEl, `name="parent" value="`+top+`"`) {
		t.Error("a comment offers no reply form")
	}

	c := p + "/tasks/1/comment"
	wantStatus(t, "reply to a comment of another task", ada.post(c, form("content", "x", "parent", onTwo)), 404)
	wantStatus(t, "reply to a comment of another project", ada.post(c, form("content", "x", "parent", theirs)), 404)
	wantStatus(t, "reply to an unknown comment", ada.post(c, form("content", "x", "parent", "999999")), 404)
	wantStatus(t, "reply to a malformed parent", ada.post(c, form("content", "x", "parent", "abc")), 404)
	wantStatus(t, "reply to a negative parent", ada.post(c, form("content", "x", "parent", "-3")), 404)
	wantMessage(t, "empty comment", ada.post(c, form("content", "  \r\n ")), 422, "write something")
	wantStatus(t, "no content field", ada.post(c, nil), 422)
	wantStatus(t, "comment by a non-member", dan.post(c, form("content", "let me in")), 403)
	if page := ada.get(p + "/tasks/1"); !strings.Contains(page.body, `<span class="count">4</span>`) || strings.Contains(page.body, "let me in") {
		t.Error("a refused comment was written")
	}
}

func TestCollabMarkupIsInert(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	payloads := []string{"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"}
	evil := strings.Join(payloads, "\n\n") + "\n\nInline: " + strings.Join(payloads, " and ") +
		"\n\n<a href=\"javascript:alert(1)\">y</a> <svg onload=alert(1)></svg> [z](JaVaScRiPt:alert(1))"
	name := "<script>alert(1)</script>"
	id := ada.newProject(name, "description", evil)
	p := fmt.Sprintf("/p/%d", id)
	n := ada.newTask(id, name, "description", evil)
	for _, payload := range payloads {
		ada.comment(id, n, payload, "")
	}
	top := ada.comment(id, n, evil, "")
	ada.comment(id, n, evil, top)

	// Pages that render the Markdown: not a trace of the attack.
	for _, path := range []string{p + "/info", p + "/tasks", fmt.Sprintf("%s/tasks/%d", p, n), p + "/members", "/", "/p", "/p?q=alert", "/u/ada"} {
		r := ada.get(path)
		if r.StatusCode != 200 {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
		low := strings.ToLower(r.body)
		for _, bad := range []string{"<script>alert", "onerror", "onload", "javascript:", "<img", "<svg"} {
			if strings.Contains(low, bad) {
				i := strings.Index(low, bad)
				t.Errorf("%s contains %q: …%s…", path, bad, r.body[max(0, i-80):min(len(r.body), i+80)])
			}
		}
	}
	// Forms show the source as typed, as text.
	for _, path := range []string{p + "/edit", fmt.Sprintf("%s/tasks/%d/edit", p, n)} {
		r := ada.get(path)
		if strings.Contains(strings.ToLower(r.body), "<script>alert") || liveMarkup(r.body) {
			t.Errorf("%s has a live script or handler", path)
		}
		if !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the description as typed", path)
		}
	}
	// A refused comment shows what was typed again, as text.
	r := ada.post(fmt.Sprintf("%s/tasks/%d/comment", p, n), form("content", evil, "parent", "999999"))
	if strings.Contains(strings.ToLower(r.body), "<script>alert") || liveMarkup(r.body) {
		t.Error("the page of a refused comment has a live script or handler")
	}
}

func TestCollabConcurrentComments(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	users := []string{"ada", "bob", "cy", "dee", "eve"}
	clients := make([]*client, len(users))
	for i, u := range users {
		clients[i] = s.register(t, u, "student")
	}
	id := clients[0].newProject("Busy")
	for _, u := range users[1:] {
		clients[0].invite(id, u)
	}
	n := clients[0].newTask(id, "Hot topic")
	path := fmt.Sprintf("/p/%d/tasks/%d/comment", id, n)

	const total = 50
	var wg sync.WaitGroup
	statuses := make([]int, total)
	errs := make([]error, total)
	start := make(chan struct{})
	for k := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := clients[k%len(clients)]
			statuses[k], _, errs[k] = postRaw(c, path, form("content", fmt.Sprintf("comment %02d from %s", k, users[k%len(users)])))
		}()
	}
	close(start)
	wg.Wait()
	for k := range total {
		if errs[k] != nil || statuses[k] != 303 {
			t.Errorf("comment %d: status %d, error %v; want 303", k, statuses[k], errs[k])
		}
	}
	page := clients[1].get(fmt.Sprintf("/p/%d/tasks/%d", id, n))
	if got := strings.Count(page.body, `<li class="comment"`); got != total {
		t.Errorf("%d comments on the page; want %d", got, total)
	}
	for k := range total {
		if want := fmt.Sprintf("comment %02d from %s", k, users[k%len(users)]); !strings.Contains(page.body, want) {
			t.Errorf("comment %q is lost", want)
		}
	}
	if !strings.Contains(page.body, fmt.Sprintf(`<span class="count">%d</span>`, total)) {
		t.Error("the discussion count is wrong")
	}
}

func TestCollabConcurrentTaskNumbers(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	users := []string{"ada", "bob", "cy", "dee"}
	clients := make([]*client, len(users))
	for i, u := range users {
		clients[i] = s.register(t, u, "student")
	}
	id := clients[0].newProject("Numbers")
	for _, u := range users[1:] {
		clients[0].invite(id, u)
	}
	// Another project's tasks are numbered on their own, at the same time.
	otherID := clients[1].newProject("Other numbers")

	const total = 20
	locations := make([]string, total)
	statuses := make([]int, total)
	errs := make([]error, total)
	otherStatus := make([]int, 5)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[k], locations[k], errs[k] = postRaw(clients[k%len(clients)], fmt.Sprintf("/p/%d/tasks/create", id),
				form("name", fmt.Sprintf("Parallel task %d", k)))
		}()
	}
	for k := range otherStatus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			otherStatus[k], _, _ = postRaw(clients[1], fmt.Sprintf("/p/%d/tasks/create", otherID), form("name", "Other"))
		}()
	}
	close(start)
	wg.Wait()
	var numbers []int
	for k := range total {
		m := taskLocation.FindStringSubmatch(locations[k])
		if errs[k] != nil || statuses[k] != 303 || m == nil {
			t.Errorf("create %d: status %d to %q, error %v", k, statuses[k], locations[k], errs[k])
			continue
		}
		n, _ := strconv.Atoi(m[2])
		numbers = append(numbers, n)
	}
	sort.Ints(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("task numbers %v; want 1..%d, each once", numbers, total)
		}
	}
	if len(numbers) != total {
		t.Errorf("%d numbers; want %d", len(numbers), total)
	}
	for k, st := range otherStatus {
		if st != 303 {
			t.Errorf("other project's create %d: %d", k, st)
		}
	}
	board := clients[2].get(fmt.Sprintf("/p/%d/tasks", id))
	if got := strings.Count(board.body, `class="kcard"`); got != total {
		t.Errorf("%d cards on the board; want %d", got, total)
	}
	if other := clients[1].get(fmt.Sprintf("/p/%d/tasks", otherID)); !strings.Contains(other.body, `id="task-5"`) || strings.Contains(other.body, `id="task-6"`) {
		t.Error("the other project's tasks are not numbered 1..5")
	}
}

func TestCollabConcurrentMoves(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	users := []string{"ada", "bob", "cy", "dee"}
	clients := make([]*client, len(users))
	for i, u := range users {
		clients[i] = s.register(t, u, "student")
	}
	id := clients[0].newProject("Moves")
	for _, u := range users[1:] {
		clients[0].invite(id, u)
	}
	n := clients[0].newTask(id, "Hot potato")
	path := fmt.Sprintf("/p/%d/tasks/%d/move", id, n)

	const rounds = 6
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	start := make(chan struct{})
	for i, c := range clients {
		for j := range rounds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st := domain.Statuses[(i+j+1)%len(domain.Statuses)]
				code, _, err := postRaw(c, path, form("status", string(st)))
				if err != nil || code != 303 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s → %s: %d %v", users[i], st, code, err))
					mu.Unlock()
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	for _, f := range failures {
		t.Errorf("concurrent move: %s; want 303", f)
	}

	page := clients[0].get(fmt.Sprintf("/p/%d/tasks/%d", id, n))
	h := taskHistory(page.body)
	if len(h) < 2 || h[0] != (historyEvent{To: "To do"}) {
		t.Fatalf("history %v: want the creation in To do followed by moves", h)
	}
	if len(h)-1 > len(clients)*rounds {
		t.Errorf("%d move events for %d moves", len(h)-1, len(clients)*rounds)
	}
	for i := 1; i < len(h); i++ {
		if h[i].From != h[i-1].To || h[i].From == h[i].To {
			t.Errorf("history event %d %v does not follow %v: the chain is broken", i, h[i], h[i-1])
		}
	}
	current := regexp.MustCompile(`<span class="status \w+">([^<]+)</span>`).FindStringSubmatch(page.body)
	if current == nil || current[1] != h[len(h)-1].To {
		t.Errorf("the task is in %v but its history ends in %q", current, h[len(h)-1].To)
	}
	col := boardColumn(clients[1].get(fmt.Sprintf("/p/%d/tasks", id)).body, n)
	if domain.Status(col).Title() != h[len(h)-1].To {
		t.Errorf("the board shows the task in %q; its history ends in %q", col, h[len(h)-1].To)
	}
	events, err := s.srv.Store.TaskEvents(context.Background(), mustTaskID(t, s, id, n))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(h) {
		t.Errorf("the store has %d events; the page shows %d", len(events), len(h))
	}
}

func mustTaskID(t *testing.T, s *site, project int64, n int) int64 {
	t.Helper()
	task, err := s.srv.Store.TaskByNumber(context.Background(), project, n)
	if err != nil {
		t.Fatal(err)
	}
	return task.ID
}

// openAs opens project id through the service as username.
func openAs(t *testing.T, s *site, username string, id int64) projects.Access {
	t.Helper()
	ctx := context.Background()
	u, err := s.srv.Store.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.srv.Projects.Open(ctx, &u, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCollabBoardOf200Tasks(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "student")
	id := ada.newProject("Big board")
	ada.invite(id, "bob")
	a := openAs(t, s, "ada", id)
	ctx := context.Background()
	now := time.Now()
	want := map[string]int{}
	for i := 1; i <= 200; i++ {
		name := fmt.Sprintf("Task %d: write a section of the report", i)
		st := domain.Statuses[i%3]
		want[string(st)]++
		d := domain.TaskDraft{Name: &name, Status: &st}
		if i%2 == 0 {
			bob := "bob"
			d.Assignee = &bob
		}
		if i%4 == 0 {
			dl := now.Add(time.Duration(i-100) * time.Hour)
			d.Deadline = &dl
		}
		if _, err := s.srv.Projects.CreateTask(ctx, a, d); err != nil {
			t.Fatal(err)
		}
	}
	started := time.Now()
	r := ada.get(fmt.Sprintf("/p/%d/tasks", id))
	took := time.Since(started)
	if r.StatusCode != 200 {
		t.Fatalf("board: %d", r.StatusCode)
	}
	if got := strings.Count(r.body, `class="kcard"`); got != 200 {
		t.Errorf("%d cards; want 200", got)
	}
	for i := 1; i <= 200; i++ {
		if !strings.Contains(r.body, fmt.Sprintf(`id="task-%d"`, i)) {
			t.Errorf("card #%d is missing", i)
		}
	}
	if len(r.body) >= 120*1024 {
		t.Errorf("the board of 200 tasks is %d bytes; want under %d", len(r.body), 120*1024)
	}
	if c := columnCounts(r.body); c["todo"] != want["todo"] || c["doing"] != want["doing"] || c["done"] != want["done"] || len(c) != 3 {
		t.Errorf("column counts %v; want %v", c, want)
	}
	if !strings.Contains(r.body, "200 tasks") {
		t.Error("the board does not say how many tasks it has")
	}
	if !strings.Contains(r.body, `class="late"`) || !strings.Contains(r.body, "@bob") {
		t.Error("cards do not show overdue deadlines or assignees")
	}
	t.Logf("board of 200 tasks: %d bytes, rendered in %v", len(r.body), took)
}

// projectRow returns the <li> of the project called name in a list of
// projects.
func projectRow(list, name string) string {
	for _, li := range strings.Split(list, "<li>")[1:] {
		if strings.Contains(li, ">"+name+"</a>") {
			return li
		}
	}
	return ""
}

func TestCollabDashboardAndProfile(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	if !strings.Contains(ada.get("/").body, "You are not in any project yet") {
		t.Error("an empty dashboard does not say so")
	}
	now := time.Now().UTC()
	alpha := ada.newProject("Alpha", "deadline", formTimeUTC(now.Add(20*24*time.Hour)))
	ada.invite(alpha, "bob")
	ada.newTask(alpha, "Late", "deadline", formTimeUTC(now.Add(-2*24*time.Hour)))
	next := now.Add(5*24*time.Hour + time.Hour).Truncate(time.Minute)
	ada.newTask(alpha, "Soon", "deadline", formTimeUTC(next))
	ada.newTask(alpha, "Finished", "deadline", formTimeUTC(now.Add(24*time.Hour)))
	ada.post(fmt.Sprintf("/p/%d/tasks/3/move", alpha), form("status", "done"))
	ada.newProject("Beta")
	bob.newProject("Gamma")

	dash := htmlSection(ada.get("/").body, `<ul class="projects">`, `</ul>`)
	row := projectRow(dash, "Alpha")
	if row == "" {
		t.Fatalf("the dashboard does not list Alpha:\n%s", dash)
	}
	for _, want := range []string{"1/3 done", "1 overdue", "next deadline", `title="` + exactTime(next) + `"`, "in 5 days"} {
		if !strings.Contains(row, want) {
			t.Errorf("Alpha on the dashboard lacks %q:\n%s", want, row)
		}
	}
	beta := projectRow(dash, "Beta")
	if beta == "" || !strings.Contains(beta, "0/0 done") || !strings.Contains(beta, "no upcoming deadline") || strings.Contains(beta, "overdue") {
		t.Errorf("Beta on the dashboard:\n%s", beta)
	}
	if projectRow(dash, "Gamma") != "" {
		t.Error("ada's dashboard lists bob's project")
	}
	bobDash := htmlSection(bob.get("/").body, `<ul class="projects">`, `</ul>`)
	if projectRow(bobDash, "Alpha") == "" || projectRow(bobDash, "Gamma") == "" || projectRow(bobDash, "Beta") != "" {
		t.Errorf("bob's dashboard:\n%s", bobDash)
	}

	own := htmlSection(bob.get("/u/bob").body, `<ul class="projects">`, `</ul>`)
	if projectRow(own, "Alpha") == "" || projectRow(own, "Gamma") == "" || projectRow(own, "Beta") != "" {
		t.Errorf("bob's profile, seen by bob, lists:\n%s", own)
	}
	seen := htmlSection(ada.get("/u/bob").body, `<ul class="projects">`, `</ul>`)
	if projectRow(seen, "Alpha") == "" {
		t.Errorf("bob's profile, seen by ada, does not list their common project:\n%s", seen)
	}
	if projectRow(seen, "Beta") != "" {
		t.Error("bob's profile lists a project bob is not in")
	}
}

func TestCollabProjectSearch(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	for i := 1; i <= 25; i++ {
		ada.newProject(fmt.Sprintf("Project %02d", i))
	}
	ada.newProject("Đồ án của Nguyễn Văn An", "description", "A **Kanban** board for theses")
	bob.newProject("Bob's Nguyen notes")

	names := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`class="pname">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, q := range []string{"nguyen", "NGUYỄN", "do an", "kanban", "theses", "văn an"} {
		got := names(ada.get("/p?q=" + url.QueryEscape(q)).body)
		if len(got) != 1 || !strings.Contains(got[0], "Nguyễn") {
			t.Errorf("/p?q=%s found %q; want the Nguyễn project alone", q, got)
		}
	}
	if got := names(ada.get("/p?q=" + url.QueryEscape("%")).body); len(got) != 0 {
		t.Errorf("/p?q=%% found %d projects: the search pattern is not escaped", len(got))
	}
	if r := ada.get("/p?q=zzz"); len(names(r.body)) != 0 || !strings.Contains(r.body, "No project matches") {
		t.Error("a search without result does not say so")
	}
	if got := names(bob.get("/p?q=nguyen").body); len(got) != 1 || got[0] != "Bob&#39;s Nguyen notes" {
		t.Errorf("bob's search found %q; want only his own project", got)
	}

	page1 := ada.get("/p")
	page2 := ada.get("/p?page=2")
	p1, p2 := names(page1.body), names(page2.body)
	if len(p1) != projects.PageSize || len(p2) != 26-projects.PageSize {
		t.Errorf("pages of %d and %d projects; want %d and %d", len(p1), len(p2), projects.PageSize, 26-projects.PageSize)
	}
	seen := map[string]bool{}
	for _, n := range append(p1, p2...) {
		if seen[n] {
			t.Errorf("%q is on both pages", n)
		}
		seen[n] = true
	}
	if len(seen) != 26 {
		t.Errorf("the two pages show %d distinct projects; want 26", len(seen))
	}
	if !strings.Contains(page1.body, "Page 1 of 2") || !strings.Contains(page1.body, `rel="next"`) || strings.Contains(page1.body, `rel="prev"`) {
		t.Error("page 1 lacks its pager")
	}
	if !strings.Contains(page2.body, "Page 2 of 2") || !strings.Contains(page2.body, `rel="prev"`) || strings.Contains(page2.body, `rel="next"`) {
		t.Error("page 2 lacks its pager")
	}
	// The search is paginated too, and the pager keeps the query.
	q1 := ada.get("/p?q=project")
	q2 := ada.get("/p?q=project&page=2")
	if len(names(q1.body)) != 20 || len(names(q2.body)) != 5 {
		t.Errorf("search pages of %d and %d; want 20 and 5", len(names(q1.body)), len(names(q2.body)))
	}
	if next := regexp.MustCompile(`<a href="([^"]+)" rel="next"`).FindStringSubmatch(q1.body); next == nil || !strings.Contains(next[1], "q=project") {
		t.Errorf("the next-page link %v loses the query", next)
	}
	wantStatus(t, "guest lists projects", s.client(t).get("/p"), 401)
}

func TestCollabPeopleSearch(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	zoe := s.register(t, "zoe", "student")
	s.account(t, "ada", "student", "ICT", "Nguyễn Thị Ada")
	s.account(t, "bob", "supervisor", "", "Bob Trần")
	s.account(t, "jules", "judge", "ICT", "Jules Nguyen")
	s.account(t, "asha", "assistant", "ICT", "Asha Nguyen Bob")

	found := func(path string) []string {
		t.Helper()
		r := zoe.get(path)
		if r.StatusCode != 200 {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
		var out []string
		for _, m := range regexp.MustCompile(`<a href="/u/([^"]+)">`).FindAllStringSubmatch(htmlSection(r.body, `<ul class="people">`, `</ul>`), -1) {
			out = append(out, m[1])
		}
		return out
	}
	for path, want := range map[string]string{
		"/u?q=nguyen":                       "ada",
		"/u?q=" + url.QueryEscape("NGUYỄN"): "ada",
		"/u?q=ada":                          "ada",
		"/u?q=bob":                          "bob",
		"/u?q=BOB":                          "bob",
		"/u?q=tran":                         "bob",
		"/u?q=" + url.QueryEscape("trần"):   "bob",
		"/u":                                "ada bob zoe",
		"/u?role=student":                   "ada zoe",
		"/u?role=supervisor":                "bob",
		"/u?q=nguyen&role=supervisor":       "",
		"/u?q=jules":                        "",
		"/u?q=asha":                         "",
		"/u?q=%25":                          "",
		"/u?q=_":                            "",
	} {
		if got := strings.Join(found(path), " "); got != want {
			t.Errorf("%s lists %q; want %q", path, got, want)
		}
	}
	for _, role := range []string{"judge", "assistant"} {
		r := zoe.get("/u?role=" + role)
		if r.StatusCode != 200 && r.StatusCode != 422 {
			t.Errorf("/u?role=%s: %d", role, r.StatusCode)
		}
		if strings.Contains(r.body, "/u/jules") || strings.Contains(r.body, "/u/asha") {
			t.Errorf("/u?role=%s lists judges or assistants", role)
		}
	}
	wantStatus(t, "guest searches people", s.client(t).get("/u?q=ada"), 401)
}

func TestCollabConcurrentEditsAllPersist(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	users := []string{"ada", "bob", "cy", "dee"}
	clients := make([]*client, len(users))
	for i, u := range users {
		clients[i] = s.register(t, u, "student")
	}
	id := clients[0].newProject("Edits", "description", "old")
	for _, u := range users[1:] {
		clients[0].invite(id, u)
	}
	n := clients[0].newTask(id, "Old name")
	p := fmt.Sprintf("/p/%d", id)

	// Each session changes a different field of the same task and project,
	// all at once, without version: every change must stay.
	edits := []struct {
		c    *client
		path string
		f    url.Values
	}{
		{clients[0], fmt.Sprintf("%s/tasks/%d/edit", p, n), form("name", "New name")},
		{clients[1], fmt.Sprintf("%s/tasks/%d/edit", p, n), form("description", "New *description*")},
		{clients[2], fmt.Sprintf("%s/tasks/%d/edit", p, n), form("assignee", "dee")},
		{clients[3], fmt.Sprintf("%s/tasks/%d/edit", p, n), form("deadline", "2031-05-06T07:08")},
		{clients[0], fmt.Sprintf("%s/tasks/%d/move", p, n), form("status", "doing")},
		{clients[1], p + "/edit", form("name", "Edits renamed")},
		{clients[2], p + "/edit", form("description", "New **project** text")},
		{clients[3], p + "/edit", form("deadline", "2032-01-02")},
	}
	var wg sync.WaitGroup
	codes := make([]int, len(edits))
	start := make(chan struct{})
	for i, e := range edits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i], _, _ = postRaw(e.c, e.path, e.f)
		}()
	}
	close(start)
	wg.Wait()
	for i, code := range codes {
		if code != 303 {
			t.Errorf("concurrent edit %d (%s %v): %d; want 303", i, edits[i].path, edits[i].f, code)
		}
	}
	task := clients[0].get(fmt.Sprintf("%s/tasks/%d", p, n)).body
	for _, want := range []string{"New name", "<em>description</em>", `href="/u/dee"`, exactTime(time.Date(2031, 5, 6, 7, 8, 0, 0, time.UTC)), "In progress"} {
		if !strings.Contains(task, want) {
			t.Errorf("after concurrent edits the task lacks %q", want)
		}
	}
	info := clients[0].get(p + "/info").body
	for _, want := range []string{"<h1>Edits renamed</h1>", "<strong>project</strong>", exactTime(time.Date(2032, 1, 2, 23, 59, 0, 0, time.UTC))} {
		if !strings.Contains(info, want) {
			t.Errorf("after concurrent edits the project lacks %q", want)
		}
	}
}

func TestCollabConcurrentMembership(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	s.register(t, "cy", "student")
	id := ada.newProject("Members race")
	ada.invite(id, "bob")
	p := fmt.Sprintf("/p/%d", id)

	// Two members invite the same person at once: one joins, one is told.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	start := make(chan struct{})
	for i, c := range []*client{ada, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i], _, _ = postRaw(c, p+"/invite", form("username", "cy"))
		}()
	}
	close(start)
	wg.Wait()
	sort.Ints(codes)
	if codes[0] != 303 || codes[1] != 409 {
		t.Errorf("two simultaneous invites of cy: %v; want one 303 and one 409", codes)
	}

	// The last two members leave at once: one of them must stay.
	cy := s.client(t).withLogin(t, "cy")
	if r := cy.post(p+"/leave", nil); r.StatusCode != 303 {
		t.Fatalf("cy leaves: %d", r.StatusCode)
	}
	start = make(chan struct{})
	for i, c := range []*client{ada, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i], _, _ = postRaw(c, p+"/leave", nil)
		}()
	}
	close(start)
	wg.Wait()
	sort.Ints(codes)
	if codes[0] != 303 || codes[1] != 409 {
		t.Errorf("the last two members leave at once: %v; want one 303 and one 409", codes)
	}
	if ms, err := s.srv.Store.Members(context.Background(), id); err != nil || len(ms) != 1 {
		t.Errorf("after the race the project has %d members (%v); want 1", len(ms), err)
	}
}

// newSiteIn is newSite with the site's time zone set to loc.
func newSiteIn(t *testing.T, loc *time.Location) *site {
	return newSiteWith(t, Deps{Location: loc}, nil)
}

// A deadline typed as a date is the end of that day in the site's time
// zone, also on the days the clocks change.
func TestCollabDateDeadlineInSiteTimeZone(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatalf("time zone data: %v", err) // embedded by time/tzdata
	}
	s := newSiteIn(t, loc)
	ada := s.register(t, "ada", "student")
	for date, want := range map[string]string{
		"2031-06-30": "2031-06-30 23:59 CEST",
		"2031-12-01": "2031-12-01 23:59 CET",
		"2031-03-30": "2031-03-30 23:59 CEST", // clocks go forward: a 23-hour day
		"2031-10-26": "2031-10-26 23:59 CET",  // clocks go back: a 25-hour day
	} {
		id := ada.newProject("Due "+date, "deadline", date)
		if info := ada.get(fmt.Sprintf("/p/%d/info", id)); !strings.Contains(info.body, `title="`+want+`"`) {
			got := regexp.MustCompile(`\((\d{4}-\d\d-\d\d \d\d:\d\d \w+)\)`).FindStringSubmatch(info.body)
			t.Errorf("deadline %s is shown as %q; want %s", date, got[1:], want)
		}
		n := ada.newTask(id, "Task due "+date, "deadline", date)
		if task := ada.get(fmt.Sprintf("/p/%d/tasks/%d", id, n)); !strings.Contains(task.body, `title="`+want+`"`) {
			t.Errorf("task deadline %s is not %s", date, want)
		}
	}
	// A time typed with the date is in the site's zone too.
	id := ada.newProject("Timed", "deadline", "2031-06-30T14:30")
	if info := ada.get(fmt.Sprintf("/p/%d/info", id)); !strings.Contains(info.body, `title="2031-06-30 14:30 CEST"`) {
		t.Error("2031-06-30T14:30 is not 14:30 in the site's time zone")
	}
}

// liveMarkup reports whether a page has a real element with an event
// handler attribute or a javascript: link, parsing the HTML (text inside
// attribute values, where escaped markup sits harmlessly, does not count).
func liveMarkup(body string) bool {
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			for _, a := range z.Token().Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") ||
					(a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(v, "javascript:") {
					return true
				}
			}
		}
	}
}

// formValues scrapes the named inputs, textareas and selected options of
// the first form posting to action, as a browser would submit them.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(body))
	v := url.Values{}
	in, select_, textarea := false, "", ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if len(v) == 0 {
				t.Fatalf("no form posting to %s", action)
			}
			return v
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case tok.Data == "form":
				in = attr["action"] == action
			case !in:
			case tok.Data == "input" && attr["name"] != "":
				v.Set(attr["name"], attr["value"])
			case tok.Data == "select":
				select_ = attr["name"]
			case tok.Data == "option" && select_ != "":
				if _, ok := attr["selected"]; ok {
					v.Set(select_, attr["value"])
				}
			case tok.Data == "textarea":
				textarea = attr["name"]
				v.Set(textarea, "")
			}
		case html.TextToken:
			if in && textarea != "" {
				v.Set(textarea, strings.TrimPrefix(string(z.Text()), "\n"))
			}
		case html.EndTagToken:
			switch z.Token().Data {
			case "form":
				if in {
					return v
				}
			case "select":
				select_ = ""
			case "textarea":
				textarea = ""
			}
		}
	}
}

// Two people editing different fields from the real forms both keep their
// change; a card moved meanwhile stays moved; the same field changed by
// both is a conflict, and saving again replaces it.
func TestCollabConcurrentFormEdits(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	id := ada.newProject("Merge", "description", "first")
	ada.invite(id, "bob")
	p := fmt.Sprintf("/p/%d", id)

	fa := formValues(t, ada.get(p+"/edit").body, p+"/edit")
	fb := formValues(t, bob.get(p+"/edit").body, p+"/edit")
	fa.Set("name", "Merged")
	fb.Set("deadline", "2031-05-06")
	seeOther(t, "ada renames", ada.post(p+"/edit", fa), p+"/info")
	seeOther(t, "bob sets the deadline from an older form", bob.post(p+"/edit", fb), p+"/info")
	got, _ := s.srv.Store.ProjectByID(context.Background(), id)
	if got.Name != "Merged" || got.Deadline.IsZero() || got.Description != "first" {
		t.Errorf("after two edits of different fields: %+v; want both kept", got)
	}

	n := ada.newTask(id, "Card", "assignee", "ada")
	tp := fmt.Sprintf("%s/tasks/%d", p, n)
	ft := formValues(t, ada.get(tp+"/edit").body, tp+"/edit")
	seeOther(t, "bob moves the card", bob.post(tp+"/move", form("status", "done")), p+"/tasks*")
	ft.Set("description", "edited while moved")
	seeOther(t, "ada saves the task from an older form", ada.post(tp+"/edit", ft), tp)
	tk, _ := s.srv.Store.TaskByNumber(context.Background(), id, n)
	if tk.Status != domain.StatusDone || tk.Description != "edited while moved" {
		t.Errorf("after a move and an edit: status %s, description %q; want both kept", tk.Status, tk.Description)
	}

	fa = formValues(t, ada.get(p+"/edit").body, p+"/edit")
	fb = formValues(t, bob.get(p+"/edit").body, p+"/edit")
	fa.Set("name", "Ada's name")
	fb.Set("name", "Bob's name")
	seeOther(t, "ada renames again", ada.post(p+"/edit", fa), p+"/info")
	r := bob.post(p+"/edit", fb)
	wantMessage(t, "bob renames from an older form", r, 409, "Ada")
	again := formValues(t, r.body, p+"/edit")
	if again.Get("name") != "Bob's name" {
		t.Errorf("the refused form lost bob's value: %q", again.Get("name"))
	}
	seeOther(t, "bob saves again", bob.post(p+"/edit", again), p+"/info")
	if got, _ := s.srv.Store.ProjectByID(context.Background(), id); got.Name != "Bob's name" {
		t.Errorf("after saving again the name is %q", got.Name)
	}
}
