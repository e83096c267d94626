package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

// TestPermissionTableHTTP drives every route of the brief's permission table
// for projects and tasks, GET and POST, as each kind of user: guest 401,
// non-member 403, member ✓ (200 for a page, 303 for a form), judges and
// assistants reading but not writing.
func TestPermissionTableHTTP(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ctx := context.Background()
	clients := map[string]*client{"guest": s.client(t)}
	users := map[string]domain.User{}
	add := func(who, role, dept string) {
		in := accounts.NewUser{Username: who, Password: "password-" + who, Name: "Name " + who,
			Email: who + "@example.edu", Role: role, Department: dept}
		u, err := s.srv.Accounts.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		users[who] = u
		c := s.client(t)
		if r := c.post("/login", form("username", who, "password", "password-"+who)); r.StatusCode != 303 {
			t.Fatalf("log in %s: %d", who, r.StatusCode)
		}
		clients[who] = c
	}
	add("stu", "student", "ICT")
	add("sup", "supervisor", "ICT")
	add("out", "student", "ICT")
	add("outsup", "supervisor", "ICT")
	add("judge", "judge", "")
	add("judge2", "judge", "")
	add("asst", "assistant", "ICT")
	add("asst2", "assistant", "Law")
	for _, who := range []string{"newbie1", "newbie2"} { // people to invite
		if _, err := s.srv.Accounts.Create(ctx, accounts.NewUser{Username: who, Password: "password", Name: who,
			Email: who + "@example.edu", Role: "student"}); err != nil {
			t.Fatal(err)
		}
	}

	r := clients["stu"].post("/p/create", form("name", "Permissions", "description", "d"))
	if r.StatusCode != 303 {
		t.Fatalf("create project: %d %s", r.StatusCode, alert(r.body))
	}
	var id int64
	fmt.Sscanf(r.Header.Get("Location"), "/p/%d/info", &id)
	p := fmt.Sprintf("/p/%d", id)
	if r := clients["stu"].post(p+"/invite", form("username", "sup")); r.StatusCode != 303 {
		t.Fatalf("invite sup: %d %s", r.StatusCode, alert(r.body))
	}
	if err := s.srv.Store.AssignJudge(ctx, id, users["judge"].ID, users["asst"].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := clients["stu"].post(p+"/tasks/create", form("name", "First", "assignee", "stu")); r.StatusCode != 303 {
		t.Fatalf("create task: %d %s", r.StatusCode, alert(r.body))
	}
	proj, _ := s.srv.Store.ProjectByID(ctx, id)
	if proj.Department != "ICT" {
		t.Fatalf("project department = %q; want the creator's ICT", proj.Department)
	}

	// Standings: who is what to the project.
	order := []string{"guest", "stu", "sup", "out", "outsup", "judge", "judge2", "asst", "asst2"}
	const (
		view  = "401 200 200 403 403 200 403 200 403"
		edit  = "401 200 200 403 403 403 403 403 403"
		write = "401 303 303 403 403 403 403 403 403"
		form_ = "401 303 303 403 403 403 403 403 403"
	)
	invitee := 0
	rows := []struct {
		name   string
		method string
		path   string
		form   func() url.Values
		want   string
		after  func(who string) // undoes a successful write that would change the next case
	}{
		{"create project page", "GET", "/p/create", nil, "401 200 200 200 200 403 403 403 403", nil},
		{"create project", "POST", "/p/create", func() url.Values { return form("name", "Another") }, "401 303 303 303 303 403 403 403 403", nil},
		{"info", "GET", p + "/info", nil, view, nil},
		{"root", "GET", p, nil, "401 303 303 403 403 303 403 303 403", nil},
		{"members", "GET", p + "/members", nil, view, nil},
		{"edit page", "GET", p + "/edit", nil, edit, nil},
		{"edit", "POST", p + "/edit", func() url.Values { return form("name", "Permissions") }, form_, nil},
		{"invite", "POST", p + "/invite", func() url.Values {
			invitee++
			return form("username", fmt.Sprintf("newbie%d", invitee%2+1))
		}, write, func(string) {
			for _, who := range []string{"newbie1", "newbie2"} {
				u, _ := s.srv.Store.UserByUsername(ctx, who)
				s.srv.Store.RemoveMember(ctx, id, u.ID)
			}
		}},
		{"leave", "POST", p + "/leave", nil, write, func(who string) {
			if u, ok := users[who]; ok {
				s.srv.Store.AddMember(ctx, domain.Member{ProjectID: id, User: u, Role: u.Role, Joined: time.Now()})
			}
		}},
		{"board", "GET", p + "/tasks", nil, view, nil},
		{"task page", "GET", p + "/tasks/1", nil, view, nil},
		{"create task page", "GET", p + "/tasks/create", nil, edit, nil},
		{"create task", "POST", p + "/tasks/create", func() url.Values { return form("name", "T") }, write, nil},
		{"edit task page", "GET", p + "/tasks/1/edit", nil, edit, nil},
		{"edit task", "POST", p + "/tasks/1/edit", func() url.Values { return form("name", "First") }, write, nil},
		{"move task", "POST", p + "/tasks/1/move", func() url.Values { return form("status", "doing") }, write, nil},
		{"comment", "POST", p + "/tasks/1/comment", func() url.Values { return form("content", "hello") }, write, nil},
	}
	for _, row := range rows {
		var want []int
		for _, f := range strings.Fields(row.want) {
			var n int
			fmt.Sscan(f, &n)
			want = append(want, n)
		}
		for i, who := range order {
			c := clients[who]
			var r response
			if row.method == "GET" {
				r = c.get(row.path)
			} else {
				var f url.Values
				if row.form != nil {
					f = row.form()
				}
				r = c.post(row.path, f)
			}
			if r.StatusCode != want[i] {
				t.Errorf("%s %s (%s) as %s: %d; want %d (%s)", row.method, row.path, row.name, who, r.StatusCode, want[i], alert(r.body))
			}
			if r.StatusCode >= 400 && alert(r.body) == "" {
				t.Errorf("%s %s as %s: error page without a message", row.method, row.path, who)
			}
			if row.after != nil && r.StatusCode < 400 {
				row.after(who)
			}
		}
	}
}
