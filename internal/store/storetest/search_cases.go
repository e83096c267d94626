package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// searchNames runs SearchProjects and returns the names found, in order,
// and the total.
func searchNames(t *testing.T, s store.Queries, f store.ProjectFilter) ([]string, int) {
	t.Helper()
	if f.Now.IsZero() {
		f.Now = now()
	}
	ps, total, err := s.SearchProjects(context.Background(), f)
	if err != nil {
		t.Fatalf("SearchProjects(%+v): %v", f, err)
	}
	names := []string{}
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names, total
}

func testSearchProjectsVisibility(t *testing.T, s store.Store) {
	stu := mustUserAs(t, s, "stu", domain.RoleStudent, "Physics")
	sup := mustUserAs(t, s, "sup", domain.RoleSupervisor, "Physics")
	mate := mustUserAs(t, s, "mate", domain.RoleStudent, "Physics")
	out := mustUserAs(t, s, "out", domain.RoleStudent, "Physics")
	judge := mustUserAs(t, s, "judge", domain.RoleJudge, "Physics")
	asst := mustUserAs(t, s, "asst", domain.RoleAssistant, "Physics")
	asstChem := mustUserAs(t, s, "asstchem", domain.RoleAssistant, "Chemistry")
	asstNone := mustUserAs(t, s, "asstnone", domain.RoleAssistant, "")

	t0 := now()
	mk := func(name, dept string, age int) domain.Project {
		p := newProject(name, stu, t0.Add(-time.Duration(age)*time.Minute))
		p.Department = dept
		return mustProject(t, s, p)
	}
	// Most recently updated first: A, B, C, D.
	a := mk("A", "Physics", 1)
	b := mk("B", "Physics", 2)
	chem := mk("C", "Chemistry", 3)
	d := mk("D", "", 4)
	mustAddMember(t, s, a, stu, domain.RoleStudent)
	mustAddMember(t, s, a, sup, domain.RoleSupervisor)
	mustAddMember(t, s, b, mate, domain.RoleStudent)
	mustAddMember(t, s, chem, stu, domain.RoleStudent)
	mustAddMember(t, s, d, sup, domain.RoleSupervisor)
	mustAssignJudge(t, s, a, judge, asst)

	for _, c := range []struct {
		why    string
		viewer domain.User
		member domain.User
		want   []string
	}{
		{why: "a student sees their projects", viewer: stu, want: []string{"A", "C"}},
		{why: "a supervisor sees their projects", viewer: sup, want: []string{"A", "D"}},
		{why: "an outsider of the same department sees none", viewer: out, want: []string{}},
		{why: "a judge sees the projects assigned", viewer: judge, want: []string{"A"}},
		{why: "an assistant sees their department's projects", viewer: asst, want: []string{"A", "B"}},
		{why: "an assistant sees their department's projects", viewer: asstChem, want: []string{"C"}},
		{why: "an assistant without a department sees none, not those without one", viewer: asstNone, want: []string{}},
		{why: "the member filter keeps a member's projects", viewer: asst, member: stu, want: []string{"A"}},
		{why: "the member filter keeps a member's projects", viewer: asst, member: mate, want: []string{"B"}},
		{why: "the member filter keeps a member's projects", viewer: stu, member: sup, want: []string{"A"}},
		{why: "the member filter keeps a member's projects", viewer: sup, member: sup, want: []string{"A", "D"}},
		{why: "the member filter still needs visibility", viewer: judge, member: mate, want: []string{}},
		{why: "the member filter does not count judging", viewer: asst, member: judge, want: []string{}},
	} {
		got, total := searchNames(t, s, store.ProjectFilter{Viewer: c.viewer, Member: c.member.ID, Limit: 100})
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("SearchProjects(viewer %s, member %q) = %v, total %d; want %v (%s)",
				c.viewer.Username, c.member.Username, got, total, c.want, c.why)
		}
	}
}

func testSearchProjectsQuery(t *testing.T, s store.Store) {
	ctx := context.Background()
	stu := mustCreate(t, s, newUser("stu"))
	out := mustCreate(t, s, newUser("out"))
	t0 := now()
	byName := map[string]domain.Project{}
	for i, pd := range []struct{ name, desc string }{
		{"Luận văn của Nguyễn", "Chương một"},
		{"Data pipeline", "Phân tích dữ liệu ĐIỆN LỰC"},
		{"Coverage 100%", ""},
		{"Coverage 1000", ""},
		{"snake_case", ""},
		{"snakeXcase", ""},
		{`C:\temp`, ""},
	} {
		p := newProject(pd.name, stu, t0.Add(-time.Duration(i)*time.Minute))
		p.Description = pd.desc
		p = mustProject(t, s, p)
		mustAddMember(t, s, p, stu, domain.RoleStudent)
		byName[p.Name] = p
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"nguyen", []string{"Luận văn của Nguyễn"}},
		{"NGUYỄN", []string{"Luận văn của Nguyễn"}},
		{"  luan   VAN ", []string{"Luận văn của Nguyễn"}},
		{"phan tich", []string{"Data pipeline"}}, // in the description
		{"dien luc", []string{"Data pipeline"}},  // Đ folds to d
		{"PIPE", []string{"Data pipeline"}},      // case
		{"coverage", []string{"Coverage 100%", "Coverage 1000"}},
		{"100%", []string{"Coverage 100%"}}, // % is not a wildcard
		{"%", []string{"Coverage 100%"}},
		{"e_c", []string{"snake_case"}}, // _ is not a wildcard
		{"_", []string{"snake_case"}},
		{`\`, []string{`C:\temp`}}, // nor is the escape character special
		{`\t`, []string{`C:\temp`}},
		{"absent", []string{}},
	} {
		got, total := searchNames(t, s, store.ProjectFilter{Viewer: stu, Query: c.query, Limit: 100})
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("SearchProjects(query %q) = %v, total %d; want %v", c.query, got, total, c.want)
		}
	}
	if got, total := searchNames(t, s, store.ProjectFilter{Viewer: out, Query: "nguyen", Limit: 100}); len(got) != 0 || total != 0 {
		t.Errorf("an outsider's search for nguyen = %v, total %d; want nothing", got, total)
	}

	// The search follows edits.
	p := byName["Coverage 1000"]
	p.Name, p.Description, p.Updated = "Reporting", "Tổng kết", t0.Add(time.Hour)
	if _, err := s.UpdateProject(ctx, p); err != nil {
		t.Fatalf("UpdateProject: %v", err)
	}
	for query, want := range map[string][]string{
		"coverage": {"Coverage 100%"},
		"report":   {"Reporting"},
		"tong ket": {"Reporting"},
	} {
		if got, total := searchNames(t, s, store.ProjectFilter{Viewer: stu, Query: query, Limit: 100}); !slices.Equal(got, want) || total != len(want) {
			t.Errorf("after renaming, SearchProjects(query %q) = %v, total %d; want %v", query, got, total, want)
		}
	}
}

func testSearchProjectsPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	stu := mustCreate(t, s, newUser("stu"))
	other := mustCreate(t, s, newUser("other"))
	t0 := now()
	var ps []domain.Project
	for i := 1; i <= 5; i++ {
		// Created in the reverse order of their updates, so creation order
		// and update order disagree.
		p := newProject("P"+string(rune('0'+i)), stu, t0.Add(-time.Hour))
		p.Updated = t0.Add(time.Duration(i) * time.Minute)
		ps = append(ps, p)
	}
	byName := map[string]domain.Project{}
	for i := len(ps) - 1; i >= 0; i-- {
		p := mustProject(t, s, ps[i])
		mustAddMember(t, s, p, stu, domain.RoleStudent)
		byName[p.Name] = p
	}
	hidden := mustProject(t, s, newProject("Hidden", other, t0.Add(time.Hour)))
	mustAddMember(t, s, hidden, other, domain.RoleStudent)

	for _, c := range []struct {
		limit, offset int
		want          []string
	}{
		{100, 0, []string{"P5", "P4", "P3", "P2", "P1"}},
		{2, 0, []string{"P5", "P4"}},
		{2, 2, []string{"P3", "P2"}},
		{2, 4, []string{"P1"}},
		{2, 5, []string{}},
		{3, 10, []string{}},
	} {
		got, total := searchNames(t, s, store.ProjectFilter{Viewer: stu, Limit: c.limit, Offset: c.offset})
		if !slices.Equal(got, c.want) || total != 5 {
			t.Errorf("SearchProjects(limit %d, offset %d) = %v, total %d; want %v, total 5", c.limit, c.offset, got, total, c.want)
		}
	}
	// The total counts what the query matches, not the page.
	if got, total := searchNames(t, s, store.ProjectFilter{Viewer: stu, Query: "p", Limit: 1, Offset: 1}); !slices.Equal(got, []string{"P4"}) || total != 5 {
		t.Errorf("SearchProjects(query p, limit 1, offset 1) = %v, total %d; want [P4], total 5", got, total)
	}

	// Editing the oldest makes it the most recent.
	p1 := byName["P1"]
	p1.Updated = t0.Add(10 * time.Minute)
	if _, err := s.UpdateProject(ctx, p1); err != nil {
		t.Fatalf("UpdateProject: %v", err)
	}
	if got, _ := searchNames(t, s, store.ProjectFilter{Viewer: stu, Limit: 3}); !slices.Equal(got, []string{"P1", "P5", "P4"}) {
		t.Errorf("after updating P1, SearchProjects = %v; want [P1 P5 P4] (most recently updated first)", got)
	}
}

func testProjectSummaries(t *testing.T, s store.Store) {
	ctx := context.Background()
	stu := mustCreate(t, s, newUser("stu"))
	sup := mustUserAs(t, s, "sup", domain.RoleSupervisor, "Physics")
	t0 := now()
	mk := func(name string, age time.Duration, deadline time.Time) domain.Project {
		p := newProject(name, stu, t0.Add(-age))
		p.Deadline = deadline
		p = mustProject(t, s, p)
		mustAddMember(t, s, p, stu, domain.RoleStudent)
		return p
	}
	task := func(p domain.Project, status domain.Status, deadline time.Time) {
		t.Helper()
		_, err := s.CreateTask(ctx, domain.Task{ProjectID: p.ID, Name: "T", CreatedBy: stu.ID, Status: status,
			Deadline: deadline, Created: t0, Updated: t0})
		if err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
	}
	// x: the nearest deadline is an open task's, before the project's.
	x := mk("X", time.Minute, t0.Add(3*time.Hour))
	mustAddMember(t, s, x, sup, domain.RoleSupervisor)
	task(x, domain.StatusDone, t0.Add(-2*time.Hour))  // done late: not overdue
	task(x, domain.StatusTodo, t0.Add(-time.Hour))    // overdue
	task(x, domain.StatusDoing, t0.Add(2*time.Hour))  // next
	task(x, domain.StatusTodo, time.Time{})           // no deadline
	task(x, domain.StatusDone, t0.Add(time.Hour))     // done: its deadline no longer counts
	task(x, domain.StatusDoing, t0.Add(-time.Minute)) // overdue
	// y: the project's deadline comes before its tasks'.
	y := mk("Y", 2*time.Minute, t0.Add(time.Hour))
	task(y, domain.StatusTodo, t0.Add(2*time.Hour))
	// z: a passed project deadline and no tasks.
	z := mk("Z", 3*time.Minute, t0.Add(-time.Hour))
	// w: no project deadline; a task due right now is not yet overdue and
	// is the next deadline (as domain.Task.Overdue has it).
	w := mk("W", 4*time.Minute, time.Time{})
	task(w, domain.StatusTodo, t0)
	// v: no deadlines at all.
	v := mk("V", 5*time.Minute, time.Time{})
	task(v, domain.StatusDone, time.Time{})

	want := []domain.ProjectSummary{
		{Project: x, Tasks: 6, Done: 2, Overdue: 2, NextDeadline: t0.Add(2 * time.Hour), Members: 2},
		{Project: y, Tasks: 1, Done: 0, Overdue: 0, NextDeadline: t0.Add(time.Hour), Members: 1},
		{Project: z, Tasks: 0, Done: 0, Overdue: 0, NextDeadline: time.Time{}, Members: 1},
		{Project: w, Tasks: 1, Done: 0, Overdue: 0, NextDeadline: t0, Members: 1},
		{Project: v, Tasks: 1, Done: 1, Overdue: 0, NextDeadline: time.Time{}, Members: 1},
	}
	same := func(a, b domain.ProjectSummary) bool {
		return sameProject(a.Project, b.Project) && a.Tasks == b.Tasks && a.Done == b.Done && a.Overdue == b.Overdue &&
			a.NextDeadline.Equal(b.NextDeadline) && a.Members == b.Members
	}
	got, total, err := s.SearchProjects(ctx, store.ProjectFilter{Viewer: stu, Now: t0, Limit: 100})
	if err != nil {
		t.Fatalf("SearchProjects: %v", err)
	}
	if len(got) != len(want) || total != len(want) {
		t.Fatalf("SearchProjects returned %d projects, total %d; want %d", len(got), total, len(want))
	}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Errorf("SearchProjects summary %d = %+v\nwant %+v", i, got[i], want[i])
		}
		one, err := s.ProjectSummary(ctx, want[i].ID, t0)
		if err != nil {
			t.Errorf("ProjectSummary(%s): %v", want[i].Name, err)
		} else if !same(one, want[i]) {
			t.Errorf("ProjectSummary(%s) = %+v\nwant %+v", want[i].Name, one, want[i])
		}
	}

	// Later, more is overdue, and the project's deadline is the next.
	later := t0.Add(150 * time.Minute)
	wantLater := domain.ProjectSummary{Project: x, Tasks: 6, Done: 2, Overdue: 3, NextDeadline: t0.Add(3 * time.Hour), Members: 2}
	if one, err := s.ProjectSummary(ctx, x.ID, later); err != nil || !same(one, wantLater) {
		t.Errorf("ProjectSummary(X, 150 minutes later) = %+v, %v\nwant %+v", one, err, wantLater)
	}
	if got, _, _ := s.SearchProjects(ctx, store.ProjectFilter{Viewer: stu, Now: later, Limit: 1}); len(got) != 1 || !same(got[0], wantLater) {
		t.Errorf("SearchProjects(150 minutes later) first = %+v\nwant %+v", got, wantLater)
	}
	if _, err := s.ProjectSummary(ctx, 999999, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ProjectSummary(unknown) error = %v; want ErrNotFound", err)
	}
}

func testSearchUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	user := func(username, name string, role domain.Role) domain.User {
		u := newUser(username)
		u.Name, u.Role = name, role
		return mustCreate(t, s, u)
	}
	user("nva", "Nguyễn Văn An", domain.RoleStudent)
	user("tb", "Trần Bình", domain.RoleSupervisor)
	user("chi_le", "Lê Chi", domain.RoleStudent)
	user("dd", "Đặng Dũng", domain.RoleJudge)
	user("emma", "Emma NGUYEN", domain.RoleAssistant)
	zoe := user("zoe", "Zoë 50%", domain.RoleStudent)
	user("ghost7", "Casper", domain.RoleStudent)
	user("rock", `Dwayne "Rock" Doe`, domain.RoleJudge)

	search := func(f store.UserFilter) ([]string, int) {
		t.Helper()
		us, total, err := s.SearchUsers(ctx, f)
		if err != nil {
			t.Fatalf("SearchUsers(%+v): %v", f, err)
		}
		names := []string{}
		for _, u := range us {
			names = append(names, u.Username)
		}
		return names, total
	}
	all := []string{"chi_le", "dd", "emma", "ghost7", "nva", "rock", "tb", "zoe"}
	for _, c := range []struct {
		f     store.UserFilter
		want  []string
		total int
	}{
		{store.UserFilter{Limit: 100}, all, 8},
		{store.UserFilter{Query: "nguyen", Limit: 100}, []string{"emma", "nva"}, 2},
		{store.UserFilter{Query: "NGUYỄN", Limit: 100}, []string{"emma", "nva"}, 2},
		{store.UserFilter{Query: "dang dung", Limit: 100}, []string{"dd"}, 1},
		{store.UserFilter{Query: "ghost", Limit: 100}, []string{"ghost7"}, 1}, // the username
		{store.UserFilter{Query: "casp", Limit: 100}, []string{"ghost7"}, 1},  // the name
		{store.UserFilter{Query: "zoe", Limit: 100}, []string{"zoe"}, 1},
		{store.UserFilter{Query: "_", Limit: 100}, []string{"chi_le"}, 1}, // not a wildcard
		{store.UserFilter{Query: "%", Limit: 100}, []string{"zoe"}, 1},
		{store.UserFilter{Query: "nobody", Limit: 100}, []string{}, 0},
		{store.UserFilter{Query: `"rock"`, Limit: 100}, []string{"rock"}, 1}, // quotes are text
		{store.UserFilter{Query: `dwayne "rock" doe`, Limit: 100}, []string{"rock"}, 1},
		{store.UserFilter{Query: `"dwayne"`, Limit: 100}, []string{}, 0},
		{store.UserFilter{Query: `rock" doe`, Limit: 100}, []string{"rock"}, 1},
		{store.UserFilter{Query: "an", Limit: 100}, []string{"dd", "nva", "tb"}, 3}, // shorter than a trigram
		{store.UserFilter{Query: "an nguyen", Limit: 100}, []string{"nva"}, 1},
		{store.UserFilter{Roles: []domain.Role{domain.RoleSupervisor, domain.RoleJudge}, Limit: 100}, []string{"dd", "rock", "tb"}, 3},
		{store.UserFilter{Roles: []domain.Role{domain.RoleStudent}, Limit: 100}, []string{"chi_le", "ghost7", "nva", "zoe"}, 4},
		{store.UserFilter{Query: "nguyen", Roles: []domain.Role{domain.RoleAssistant}, Limit: 100}, []string{"emma"}, 1},
		{store.UserFilter{Limit: 3}, all[:3], 8},
		{store.UserFilter{Limit: 3, Offset: 3}, all[3:6], 8},
		{store.UserFilter{Limit: 3, Offset: 6}, all[6:], 8},
		{store.UserFilter{Limit: 3, Offset: 9}, []string{}, 8},
		{store.UserFilter{Query: "nguyen", Limit: 1, Offset: 1}, []string{"nva"}, 2},
		{store.UserFilter{Roles: []domain.Role{domain.RoleStudent}, Limit: 2, Offset: 1}, []string{"ghost7", "nva"}, 4},
	} {
		got, total := search(c.f)
		if !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("SearchUsers(%+v) = %v, total %d; want %v, total %d", c.f, got, total, c.want, c.total)
		}
	}

	// The search follows profile edits.
	p := domain.ProfileOf(zoe)
	p.Name = "Phạm Thị Zoë"
	if err := s.UpdateProfile(ctx, zoe.ID, p, now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := search(store.UserFilter{Query: "pham thi", Limit: 100}); !slices.Equal(got, []string{"zoe"}) {
		t.Errorf("after renaming, SearchUsers(pham thi) = %v; want [zoe]", got)
	}
	if got, _ := search(store.UserFilter{Query: "50%", Limit: 100}); len(got) != 0 {
		t.Errorf("after renaming, SearchUsers(50%%) = %v; want none (the old name)", got)
	}
}

// testSubSecondTimes checks that ordering and deadlines compare times to
// the microsecond, a whole second against a fraction included (a backend
// comparing times as text can get these wrong).
func testSubSecondTimes(t *testing.T, s store.Store) {
	ctx := context.Background()
	stu := mustCreate(t, s, newUser("stu"))
	sec := now().Truncate(time.Second)
	for _, pd := range []struct {
		name    string
		updated time.Time
	}{
		{"whole second", sec},
		{"plus 1µs", sec.Add(time.Microsecond)},
		{"minus 1µs", sec.Add(-time.Microsecond)},
		{"plus 500ms", sec.Add(500 * time.Millisecond)},
		{"plus 10µs", sec.Add(10 * time.Microsecond)},
	} {
		p := newProject(pd.name, stu, sec.Add(-time.Hour))
		p.Updated = pd.updated
		mustAddMember(t, s, mustProject(t, s, p), stu, domain.RoleStudent)
	}
	want := []string{"plus 500ms", "plus 10µs", "plus 1µs", "whole second", "minus 1µs"}
	if got, _ := searchNames(t, s, store.ProjectFilter{Viewer: stu, Now: sec, Limit: 100}); !slices.Equal(got, want) {
		t.Errorf("SearchProjects ordered by update = %v; want %v", got, want)
	}

	p := mustProject(t, s, newProject("deadlines", stu, sec))
	for _, d := range []time.Time{sec.Add(-time.Microsecond), sec.Add(time.Microsecond), sec.Add(time.Second)} {
		mustTask(t, s, domain.Task{ProjectID: p.ID, Name: "T", CreatedBy: stu.ID, Status: domain.StatusTodo,
			Deadline: d, Created: sec, Updated: sec})
	}
	for _, c := range []struct {
		now     time.Time
		overdue int
		next    time.Time
	}{
		{sec, 1, sec.Add(time.Microsecond)},
		{sec.Add(time.Microsecond), 1, sec.Add(time.Microsecond)},
		{sec.Add(2 * time.Microsecond), 2, sec.Add(time.Second)},
		{sec.Add(-time.Microsecond), 0, sec.Add(-time.Microsecond)},
		{sec.Add(-2 * time.Microsecond), 0, sec.Add(-time.Microsecond)},
	} {
		got, err := s.ProjectSummary(ctx, p.ID, c.now)
		if err != nil {
			t.Fatalf("ProjectSummary: %v", err)
		}
		if got.Overdue != c.overdue || !got.NextDeadline.Equal(c.next) {
			t.Errorf("ProjectSummary at %s = %d overdue, next %s; want %d, next %s", c.now.Format(time.RFC3339Nano),
				got.Overdue, got.NextDeadline.Format(time.RFC3339Nano), c.overdue, c.next.Format(time.RFC3339Nano))
		}
	}
}

// Every word of a query must appear, in any order.
func testSearchWords(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustUserAs(t, s, "phong", domain.RoleStudent, "")
	u, _ := s.UserByUsername(ctx, "phong")
	if err := s.UpdateProfile(ctx, u.ID, domain.Profile{Name: "Nguyễn Gia Phong", Email: "phong@example.edu"}, now()); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"gia nguyen": 1, "PHONG  nguyễn": 1, "gia smith": 0, "": 1, "ong gu": 1} {
		_, n, err := s.SearchUsers(ctx, store.UserFilter{Query: q, Limit: 10})
		if err != nil || n != want {
			t.Errorf("SearchUsers(%q) found %d, %v; want %d", q, n, err, want)
		}
	}
}

// The people search stops counting past store.MaxCount.
func testSearchUsersCountBound(t *testing.T, s store.Store) {
	ctx := context.Background()
	err := s.Atomic(ctx, func(q store.Queries) error {
		for i := range store.MaxCount + 5 {
			u := newUser(fmt.Sprintf("many%d", i))
			u.Email = fmt.Sprintf("many%d@example.edu", i)
			if _, err := q.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	us, n, err := s.SearchUsers(ctx, store.UserFilter{Query: "many", Limit: 10})
	if err != nil || n != store.MaxCount+1 || len(us) != 10 {
		t.Errorf("search of %d matches: %d listed, count %d, %v; want 10 listed and the count stopped at %d",
			store.MaxCount+5, len(us), n, err, store.MaxCount+1)
	}
	if _, n, _ := s.SearchUsers(ctx, store.UserFilter{Query: "many100", Limit: 10}); n != 6 {
		t.Errorf("a search of 6 matches counts %d", n)
	}
	// Common and rare words together, words too short for a trigram
	// index, and a word nobody has: the answer is the users whose text
	// contains every word, counted up to the bound, first page in
	// username order (the expectation is computed here by strings.Contains).
	var names []string
	for i := range store.MaxCount + 5 {
		names = append(names, fmt.Sprintf("many%d", i))
	}
	slices.Sort(names)
	for _, query := range []string{"many 1004", "many 99", "1 2", "name of many7", "y9 of", "many zzz", "MANY 100 NAME"} {
		var want []string
		for _, n := range names {
			text := n + " name of " + n
			all := true
			for _, w := range strings.Fields(strings.ToLower(query)) {
				all = all && strings.Contains(text, w)
			}
			if all {
				want = append(want, n)
			}
		}
		wantTotal := min(len(want), store.MaxCount+1)
		want = want[:min(len(want), 10)]
		us, n, err := s.SearchUsers(ctx, store.UserFilter{Query: query, Limit: 10})
		got := []string{}
		for _, u := range us {
			got = append(got, u.Username)
		}
		if err != nil || n != wantTotal || !slices.Equal(got, append([]string{}, want...)) {
			t.Errorf("SearchUsers(%q) = %v, count %d, %v; want %v, count %d", query, got, n, err, want, wantTotal)
		}
	}
}
