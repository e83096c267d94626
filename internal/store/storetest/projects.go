package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// projectTests cover projects, members, judges, tasks and comments.
var projectTests = []suiteTest{
	// Projects, members and judges (this file).
	{"ProjectRoundTrip", testProjectRoundTrip},
	{"ProjectNeedsCreator", testProjectNeedsCreator},
	{"UpdateProject", testUpdateProject},
	{"ProjectAccess", testProjectAccess},
	{"Members", testMembers},
	{"Judges", testJudges},
	// Lists and progress (search_cases.go).
	{"SearchProjectsVisibility", testSearchProjectsVisibility},
	{"SearchProjectsQuery", testSearchProjectsQuery},
	{"SearchProjectsPaging", testSearchProjectsPaging},
	{"ProjectSummaries", testProjectSummaries},
	{"SubSecondTimes", testSubSecondTimes},
	{"SearchUsers", testSearchUsers},
	// Tasks and comments (tasks_cases.go).
	{"TaskNumbers", testTaskNumbers},
	{"TaskNumbersConcurrent", testTaskNumbersConcurrent},
	{"TaskNumbersAfterFailedCreate", testTaskNumbersAfterFailedCreate},
	{"TaskRoundTrip", testTaskRoundTrip},
	{"UpdateTask", testUpdateTask},
	{"UnassignTasks", testUnassignTasks},
	{"Files", testFiles},
	{"Revisions", testRevisions},
	{"TaskWork", testTaskWork},
	{"Evaluations", testEvaluations},
	{"SearchWords", testSearchWords},
	{"SearchUsersCountBound", testSearchUsersCountBound},
	{"Claim", testClaim},
	{"AdjustmentsAndPublication", testAdjustmentsAndPublication},
	{"SetTaskStatus", testSetTaskStatus},
	{"TaskMovesConcurrent", testTaskMovesConcurrent},
	{"SetTaskStatusConcurrent", testSetTaskStatusConcurrent},
	{"TaskEvents", testTaskEvents},
	{"Comments", testComments},
	{"CommentsConcurrent", testCommentsConcurrent},
}

// mustUserAs creates user name with an account role and a department.
func mustUserAs(t *testing.T, s store.Queries, name string, role domain.Role, dept string) domain.User {
	t.Helper()
	u := newUser(name)
	u.Role, u.Department = role, dept
	return mustCreate(t, s, u)
}

// newProject is a project of by's department, created and updated at at.
func newProject(name string, by domain.User, at time.Time) domain.Project {
	return domain.Project{Name: name, Description: "About " + name, Department: by.Department,
		CreatedBy: by.ID, Created: at, Updated: at}
}

func mustProject(t *testing.T, s store.Queries, p domain.Project) domain.Project {
	t.Helper()
	got, err := s.CreateProject(context.Background(), p)
	if err != nil {
		t.Fatalf("CreateProject(%s): %v", p.Name, err)
	}
	return got
}

func mustAddMember(t *testing.T, s store.Queries, p domain.Project, u domain.User, role domain.Role) {
	t.Helper()
	if err := s.AddMember(context.Background(), domain.Member{ProjectID: p.ID, User: u, Role: role, Joined: now()}); err != nil {
		t.Fatalf("AddMember(%s as %s of %s): %v", u.Username, role, p.Name, err)
	}
}

func mustAssignJudge(t *testing.T, s store.Queries, p domain.Project, judge, by domain.User) {
	t.Helper()
	if err := s.AssignJudge(context.Background(), p.ID, judge.ID, by.ID, now()); err != nil {
		t.Fatalf("AssignJudge(%s to %s): %v", judge.Username, p.Name, err)
	}
}

// sameProject compares every field, times with Equal.
func sameProject(a, b domain.Project) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Description == b.Description && a.Department == b.Department &&
		a.CreatedBy == b.CreatedBy && a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated) &&
		a.Deadline.Equal(b.Deadline) && a.Version == b.Version
}

// isConflict reports whether err is a *store.ConflictError on field.
func isConflict(err error, field string) bool {
	var ce *store.ConflictError
	return errors.As(err, &ce) && errors.Is(err, store.ErrConflict) && ce.Field == field
}

func testProjectRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	withDeadline := domain.Project{Name: "Nguyễn's thesis", Description: "# Goals\n\n*Ship* it.", Department: "Physics",
		CreatedBy: ada.ID, Created: t0, Updated: t0.Add(time.Second), Deadline: t0.Add(30*24*time.Hour + 123*time.Microsecond)}
	noDeadline := domain.Project{Name: "Side project", CreatedBy: ada.ID, Created: t0, Updated: t0}
	seen := map[int64]bool{}
	for _, want := range []domain.Project{withDeadline, noDeadline} {
		created, err := s.CreateProject(ctx, want)
		if err != nil {
			t.Fatalf("CreateProject(%s): %v", want.Name, err)
		}
		if created.ID == 0 || seen[created.ID] {
			t.Fatalf("CreateProject(%s) returned ID %d; want a new, non-zero ID", want.Name, created.ID)
		}
		seen[created.ID] = true
		want.ID, want.Version = created.ID, 1
		if !sameProject(created, want) {
			t.Errorf("CreateProject returned %+v\nwant %+v", created, want)
		}
		got, err := s.ProjectByID(ctx, created.ID)
		if err != nil {
			t.Fatalf("ProjectByID(%d): %v", created.ID, err)
		}
		if !sameProject(got, want) {
			t.Errorf("ProjectByID(%d) = %+v\nwant %+v", created.ID, got, want)
		}
		if got.Deadline.IsZero() != want.Deadline.IsZero() {
			t.Errorf("ProjectByID(%d).Deadline = %v; want zero: %v", created.ID, got.Deadline, want.Deadline.IsZero())
		}
	}
	if _, err := s.ProjectByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ProjectByID(999999) error = %v; want ErrNotFound", err)
	}
}

func testProjectNeedsCreator(t *testing.T, s store.Store) {
	_, err := s.CreateProject(context.Background(), newProject("Orphan", domain.User{ID: 424242}, now()))
	if err == nil {
		t.Error("a project created by a user that does not exist was accepted (foreign keys off?)")
	}
}

func testUpdateProject(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	t0 := now()
	p := mustProject(t, s, newProject("Draft", ada, t0))

	edit := p
	edit.Name, edit.Description, edit.Department = "Final", "New *text*", "Informatics"
	edit.Deadline, edit.Updated = t0.Add(48*time.Hour), t0.Add(time.Hour)
	// Fields UpdateProject does not write: they must stay as stored.
	edit.CreatedBy, edit.Created = bob.ID, t0.Add(-time.Hour)
	got, err := s.UpdateProject(ctx, edit)
	if err != nil {
		t.Fatalf("UpdateProject: %v", err)
	}
	if got.Version != 2 {
		t.Errorf("UpdateProject returned version %d; want 2", got.Version)
	}
	want := p
	want.Name, want.Description, want.Department = edit.Name, edit.Description, edit.Department
	want.Deadline, want.Updated, want.Version = edit.Deadline, edit.Updated, 2
	stored, err := s.ProjectByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameProject(stored, want) {
		t.Errorf("after UpdateProject stored %+v\nwant %+v (created by and at unchanged)", stored, want)
	}

	// Clearing the deadline.
	clear := stored
	clear.Deadline, clear.Updated = time.Time{}, t0.Add(2*time.Hour)
	if got, err = s.UpdateProject(ctx, clear); err != nil || got.Version != 3 {
		t.Fatalf("UpdateProject clearing the deadline = version %d, %v; want 3, nil", got.Version, err)
	}
	want, _ = s.ProjectByID(ctx, p.ID)
	if !want.Deadline.IsZero() || want.Version != 3 {
		t.Errorf("after clearing the deadline stored %+v; want no deadline, version 3", want)
	}

	// An edit from a form read at version 1.
	stale := edit
	stale.Version, stale.Name, stale.Updated = 1, "Lost edit", t0.Add(3*time.Hour)
	if _, err := s.UpdateProject(ctx, stale); !errors.Is(err, store.ErrStale) {
		t.Errorf("UpdateProject with stale version 1 (stored 3) error = %v; want ErrStale", err)
	}
	if after, _ := s.ProjectByID(ctx, p.ID); !sameProject(after, want) {
		t.Errorf("a stale UpdateProject changed the project to %+v\nwant %+v", after, want)
	}

	missing := want
	missing.ID = 999999
	if _, err := s.UpdateProject(ctx, missing); !errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrStale) {
		t.Errorf("UpdateProject(unknown id) error = %v; want ErrNotFound", err)
	}
}

func testProjectAccess(t *testing.T, s store.Store) {
	ctx := context.Background()
	stu := mustCreate(t, s, newUser("stu"))
	sup := mustUserAs(t, s, "sup", domain.RoleSupervisor, "Physics")
	judge := mustUserAs(t, s, "judge", domain.RoleJudge, "Physics")
	asst := mustUserAs(t, s, "asst", domain.RoleAssistant, "Physics")
	out := mustCreate(t, s, newUser("out"))
	p := mustProject(t, s, newProject("Alpha", stu, now()))
	other := mustProject(t, s, newProject("Beta", stu, now()))
	mustAddMember(t, s, p, stu, domain.RoleStudent)
	mustAddMember(t, s, p, sup, domain.RoleSupervisor)
	mustAddMember(t, s, other, sup, domain.RoleStudent)
	mustAssignJudge(t, s, p, judge, asst)
	mustAssignJudge(t, s, other, sup, asst) // a member who is also a judge

	for _, c := range []struct {
		project domain.Project
		user    domain.User
		role    domain.Role
		judge   bool
	}{
		{p, stu, domain.RoleStudent, false},
		{p, sup, domain.RoleSupervisor, false},
		{p, judge, "", true},
		{p, out, "", false},
		{p, asst, "", false},
		{other, stu, "", false},
		{other, judge, "", false},
		{other, sup, domain.RoleStudent, true},
	} {
		got, role, isJudge, err := s.ProjectAccess(ctx, c.project.ID, c.user.ID)
		if err != nil {
			t.Errorf("ProjectAccess(%s, %s): %v", c.project.Name, c.user.Username, err)
			continue
		}
		if role != c.role || isJudge != c.judge {
			t.Errorf("ProjectAccess(%s, %s) = role %q, judge %v; want %q, %v", c.project.Name, c.user.Username, role, isJudge, c.role, c.judge)
		}
		if !sameProject(got, c.project) {
			t.Errorf("ProjectAccess(%s, %s) project = %+v\nwant %+v", c.project.Name, c.user.Username, got, c.project)
		}
	}
	if _, _, _, err := s.ProjectAccess(ctx, 999999, stu.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ProjectAccess(unknown project) error = %v; want ErrNotFound", err)
	}
}

func testMembers(t *testing.T, s store.Store) {
	ctx := context.Background()
	user := func(username, name string, role domain.Role) domain.User {
		u := newUser(username)
		u.Name, u.Role = name, role
		return mustCreate(t, s, u)
	}
	// Usernames sort the other way from names, so the order shows which is used.
	carol := user("s1", "Carol", domain.RoleSupervisor)
	alice := user("s2", "Alice", domain.RoleSupervisor)
	dave := user("u1", "Dave", domain.RoleStudent)
	bob := user("u2", "Bob", domain.RoleStudent)
	stranger := user("x", "Xavier", domain.RoleStudent)
	p := mustProject(t, s, newProject("Alpha", dave, now()))
	other := mustProject(t, s, newProject("Beta", dave, now()))

	if ms, err := s.Members(ctx, p.ID); err != nil || len(ms) != 0 {
		t.Errorf("Members of a new project = %v, %v; want none", ms, err)
	}
	if n, err := s.CountMembers(ctx, p.ID); err != nil || n != 0 {
		t.Errorf("CountMembers of a new project = %d, %v; want 0", n, err)
	}
	t0 := now()
	joined := map[int64]time.Time{}
	for i, m := range []struct {
		u    domain.User
		role domain.Role
	}{{dave, domain.RoleStudent}, {carol, domain.RoleSupervisor}, {bob, domain.RoleStudent}, {alice, domain.RoleSupervisor}} {
		at := t0.Add(time.Duration(i) * time.Minute)
		joined[m.u.ID] = at
		if err := s.AddMember(ctx, domain.Member{ProjectID: p.ID, User: m.u, Role: m.role, Joined: at}); err != nil {
			t.Fatalf("AddMember(%s): %v", m.u.Username, err)
		}
	}
	err := s.AddMember(ctx, domain.Member{ProjectID: p.ID, User: bob, Role: domain.RoleSupervisor, Joined: t0})
	if !isConflict(err, "member") {
		t.Errorf("adding member %s a second time: error = %v; want a conflict on member", bob.Username, err)
	}
	// Membership is per project.
	mustAddMember(t, s, other, bob, domain.RoleStudent)

	ms, err := s.Members(ctx, p.ID)
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	wantOrder := []domain.User{alice, carol, bob, dave}
	wantRole := map[int64]domain.Role{alice.ID: domain.RoleSupervisor, carol.ID: domain.RoleSupervisor, bob.ID: domain.RoleStudent, dave.ID: domain.RoleStudent}
	var gotNames []string
	for _, m := range ms {
		gotNames = append(gotNames, m.User.Name)
	}
	if len(ms) != len(wantOrder) {
		t.Fatalf("Members = %v; want Alice, Carol, Bob, Dave (supervisors first, then by name)", gotNames)
	}
	for i, m := range ms {
		w := wantOrder[i]
		if m.User.ID != w.ID {
			t.Fatalf("Members = %v; want Alice, Carol, Bob, Dave (supervisors first, then by name)", gotNames)
		}
		if m.ProjectID != p.ID || m.Role != wantRole[w.ID] || !m.Joined.Equal(joined[w.ID]) ||
			m.User.Username != w.Username || m.User.Name != w.Name || m.User.Role != w.Role || m.User.Email != w.Email {
			t.Errorf("member %d = %+v; want project %d, role %s, joined %v, user %+v", i, m, p.ID, wantRole[w.ID], joined[w.ID], w)
		}
	}
	if n, err := s.CountMembers(ctx, p.ID); err != nil || n != 4 {
		t.Errorf("CountMembers = %d, %v; want 4", n, err)
	}

	if err := s.RemoveMember(ctx, p.ID, dave.ID); err != nil {
		t.Fatalf("RemoveMember: %v", err)
	}
	if err := s.RemoveMember(ctx, p.ID, dave.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RemoveMember of a removed member = %v; want ErrNotFound", err)
	}
	if err := s.RemoveMember(ctx, p.ID, stranger.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RemoveMember of a non-member = %v; want ErrNotFound", err)
	}
	if n, _ := s.CountMembers(ctx, p.ID); n != 3 {
		t.Errorf("after RemoveMember CountMembers = %d; want 3", n)
	}
	if n, _ := s.CountMembers(ctx, other.ID); n != 1 {
		t.Errorf("CountMembers of the other project = %d; want 1", n)
	}
	if _, role, _, _ := s.ProjectAccess(ctx, p.ID, dave.ID); role != "" {
		t.Errorf("after RemoveMember ProjectAccess role = %q; want none", role)
	}
	// A removed member may join again.
	mustAddMember(t, s, p, dave, domain.RoleStudent)
	if n, _ := s.CountMembers(ctx, p.ID); n != 4 {
		t.Errorf("after adding back CountMembers = %d; want 4", n)
	}
}

func testJudges(t *testing.T, s store.Store) {
	ctx := context.Background()
	asst := mustUserAs(t, s, "asst", domain.RoleAssistant, "Physics")
	j1 := mustUserAs(t, s, "j1", domain.RoleJudge, "Physics")
	j2 := mustUserAs(t, s, "j2", domain.RoleJudge, "")
	j3 := mustUserAs(t, s, "j3", domain.RoleJudge, "")
	stu := mustCreate(t, s, newUser("stu"))
	p := mustProject(t, s, newProject("Alpha", stu, now()))
	other := mustProject(t, s, newProject("Beta", stu, now()))

	judges := func(p domain.Project) []string {
		t.Helper()
		us, err := s.Judges(ctx, p.ID)
		if err != nil {
			t.Fatalf("Judges(%s): %v", p.Name, err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Username)
			w, _ := s.UserByID(ctx, u.ID)
			if u.Username != w.Username || u.Name != w.Name || u.Role != w.Role {
				t.Errorf("judge of %s = %+v; want user %+v", p.Name, u, w)
			}
		}
		slices.Sort(names)
		return names
	}
	if got := judges(p); len(got) != 0 {
		t.Errorf("Judges of a new project = %v; want none", got)
	}
	mustAssignJudge(t, s, p, j1, asst)
	mustAssignJudge(t, s, p, j2, asst)
	if err := s.AssignJudge(ctx, p.ID, j1.ID, asst.ID, now()); !isConflict(err, "judge") {
		t.Errorf("assigning judge j1 a second time: error = %v; want a conflict on judge", err)
	}
	mustAssignJudge(t, s, other, j1, asst) // judging is per project
	if got := judges(p); !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf("Judges(Alpha) = %v; want [j1 j2]", got)
	}
	if n, _ := s.CountMembers(ctx, p.ID); n != 0 {
		t.Errorf("judges counted as members: CountMembers = %d; want 0", n)
	}

	if err := s.UnassignJudge(ctx, p.ID, j1.ID); err != nil {
		t.Fatalf("UnassignJudge: %v", err)
	}
	if err := s.UnassignJudge(ctx, p.ID, j1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UnassignJudge of an unassigned judge = %v; want ErrNotFound", err)
	}
	if err := s.UnassignJudge(ctx, p.ID, j3.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UnassignJudge of a judge never assigned = %v; want ErrNotFound", err)
	}
	if got := judges(p); !slices.Equal(got, []string{"j2"}) {
		t.Errorf("after UnassignJudge Judges(Alpha) = %v; want [j2]", got)
	}
	if got := judges(other); !slices.Equal(got, []string{"j1"}) {
		t.Errorf("Judges(Beta) = %v; want [j1] (unassigning from Alpha must not touch Beta)", got)
	}
	if _, _, judge, _ := s.ProjectAccess(ctx, p.ID, j1.ID); judge {
		t.Error("after UnassignJudge ProjectAccess still reports a judge")
	}
}
