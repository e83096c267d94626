// Package projects is the collaboration domain: projects and their members,
// the Kanban board, tasks and their discussion. Every method takes an Access
// and checks the brief's permission table (domain.Authorize) before it
// reads or writes, so no door can skip the rules.
package projects

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/live"
	"github.com/acanban/acanban/internal/store"
)

// Service holds what project operations need.
type Service struct {
	Store store.Store
	// Files holds the bytes of uploads.
	Files files.Files
	// Live announces changes of a board to those watching it; nil: nobody.
	Live live.Notifier
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time { return domain.Clock(s.Now).Now() }

// Access is a viewer's relation to one project.
type Access struct {
	Project  domain.Project
	Viewer   *domain.User // nil for a guest
	Standing domain.Standing
}

// Can reports whether the viewer may take action a.
func (a Access) Can(act domain.Action) bool { return domain.Allowed(a.Standing, act) }

// Require returns the error to show when the viewer may not take action a.
func (a Access) Require(act domain.Action) error { return domain.Authorize(a.Standing, act) }

// Open loads project id as seen by viewer (nil for a guest). A guest gets
// 401 before anything else; an unknown project is 404.
func (s *Service) Open(ctx context.Context, viewer *domain.User, id int64) (Access, error) {
	if viewer == nil {
		return Access{}, domain.Unauthenticated("Log in to see this project.")
	}
	p, role, judge, err := s.Store.ProjectAccess(ctx, id, viewer.ID)
	if errors.Is(err, store.ErrNotFound) {
		return Access{}, domain.NotFound("There is no project %d.", id)
	}
	if err != nil {
		return Access{}, err
	}
	return Access{Project: p, Viewer: viewer, Standing: domain.StandingOf(viewer, p, role, judge)}, nil
}

// Create starts a project with its creator as first member.
func (s *Service) Create(ctx context.Context, u domain.User, d domain.ProjectDraft) (domain.Project, error) {
	if !domain.CanCreateProject(u) {
		return domain.Project{}, domain.Forbidden("Only students and supervisors start projects; a %s cannot.", u.Role.Title())
	}
	p := domain.Project{CreatedBy: u.ID, Department: u.Department}
	if d.Name == nil {
		d.Name = new(string)
	}
	if err := d.Apply(&p); err != nil {
		return p, err
	}
	p.Created = s.now()
	p.Updated = p.Created
	err := s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if p, err = q.CreateProject(ctx, p); err != nil {
			return err
		}
		return q.AddMember(ctx, domain.Member{ProjectID: p.ID, User: u, Role: u.Role, Joined: p.Created})
	})
	return p, err
}

var errStale = domain.Conflict("version", "Someone else changed this while you were editing it: reload the page to see their change, then make yours again.")

// Edit applies d to the project, merged with what changed since the editor
// started from orig (see domain.ProjectDraft.Merge). A non-zero version is
// a stricter check: if the project changed at all since that version, the
// edit is refused.
func (s *Service) Edit(ctx context.Context, a Access, d, orig domain.ProjectDraft, version int) (domain.Project, error) {
	if err := a.Require(domain.EditProject); err != nil {
		return a.Project, err
	}
	var p domain.Project
	err := s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if p, err = q.ProjectByID(ctx, a.Project.ID); err != nil {
			return err
		}
		if version != 0 && version != p.Version {
			return errStale
		}
		if d, err = d.Merge(orig, p); err != nil {
			return err
		}
		if d.Department != nil && strings.TrimSpace(*d.Department) != p.Department {
			// The department decides which assistant oversees the grading:
			// once it has begun, members may no longer move the project.
			judges, err := q.Judges(ctx, p.ID)
			if err != nil {
				return err
			}
			grades, err := q.Evaluations(ctx, p.ID)
			if err != nil {
				return err
			}
			if len(judges) > 0 || len(grades) > 0 || !p.Published.IsZero() {
				return domain.Invalid("department", "The department is fixed once judges are assigned or grading has begun: ask the department's assistant.")
			}
		}
		if err := d.Apply(&p); err != nil {
			return err
		}
		p.Updated = s.now()
		p, err = q.UpdateProject(ctx, p)
		if errors.Is(err, store.ErrStale) {
			return errStale
		}
		return err
	})
	return p, err
}

// Invite adds the user called username to the project: students as
// students, supervisors as supervisors.
func (s *Service) Invite(ctx context.Context, a Access, username string) (domain.Member, error) {
	if err := a.Require(domain.EditProject); err != nil {
		return domain.Member{}, err
	}
	name := domain.NormalizeUsername(username)
	if name == "" {
		return domain.Member{}, domain.Invalid("username", "Enter the username of the person to invite.")
	}
	u, err := s.Store.UserByUsername(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return domain.Member{}, &domain.Error{Kind: domain.KindNotFound, Field: "username", Message: fmt.Sprintf("There is no user %q.", username)}
	}
	if err != nil {
		return domain.Member{}, err
	}
	if !domain.CanJoinProject(u) {
		return domain.Member{}, domain.Invalid("username", "%s is %s: judges and assistants follow projects without being members.", u.Username, article(u.Role))
	}
	if u.Disabled {
		return domain.Member{}, domain.Invalid("username", "The account of %s is disabled.", u.Username)
	}
	m := domain.Member{ProjectID: a.Project.ID, User: u, Role: u.Role, Joined: s.now()}
	err = s.Store.AddMember(ctx, m)
	if errors.Is(err, store.ErrConflict) {
		return m, domain.Conflict("username", "%s is already a member of this project.", u.Username)
	}
	return m, err
}

func article(r domain.Role) string {
	if r == domain.RoleAssistant {
		return "an assistant"
	}
	return "a " + string(r)
}

// Leave takes the viewer out of the project. The last member cannot leave:
// a project without members could never be reached again.
func (s *Service) Leave(ctx context.Context, a Access) error {
	if err := a.Require(domain.EditProject); err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.Lock(ctx, fmt.Sprintf("members:%d", a.Project.ID)); err != nil {
			return err
		}
		n, err := q.CountMembers(ctx, a.Project.ID)
		if err != nil {
			return err
		}
		if n <= 1 {
			return domain.Conflict("", "You are the last member of this project, so you cannot leave it: invite someone else first.")
		}
		if err := q.RemoveMember(ctx, a.Project.ID, a.Viewer.ID); err != nil {
			return err
		}
		// Tasks are assigned to student members only.
		if err := q.UnassignTasks(ctx, a.Project.ID, a.Viewer.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, q, a, "members", 0) // the board shows assignees
	})
}

// Members lists the project's members.
func (s *Service) Members(ctx context.Context, a Access) ([]domain.Member, error) {
	if err := a.Require(domain.ViewProject); err != nil {
		return nil, err
	}
	return s.Store.Members(ctx, a.Project.ID)
}

// Summary returns the project with its progress.
func (s *Service) Summary(ctx context.Context, a Access) (domain.ProjectSummary, error) {
	if err := a.Require(domain.ViewProject); err != nil {
		return domain.ProjectSummary{}, err
	}
	return s.Store.ProjectSummary(ctx, a.Project.ID, s.now())
}

// PageSize is the length of a page of a list.
const PageSize = 20

// List returns page (from 1) of the projects viewer may see, matching
// query, and how many match in all.
func (s *Service) List(ctx context.Context, viewer domain.User, query string, page int) ([]domain.ProjectSummary, int, error) {
	if page < 1 {
		page = 1
	}
	return s.Store.SearchProjects(ctx, store.ProjectFilter{Viewer: viewer, Query: query, Now: s.now(),
		Limit: PageSize, Offset: (page - 1) * PageSize})
}

// MemberOf lists the projects of member that viewer may see.
func (s *Service) MemberOf(ctx context.Context, viewer domain.User, member int64) ([]domain.ProjectSummary, error) {
	ps, _, err := s.Store.SearchProjects(ctx, store.ProjectFilter{Viewer: viewer, Member: member, Now: s.now(), Limit: 100})
	return ps, err
}

// People searches students and supervisors by username or name; role
// narrows to one of them.
func (s *Service) People(ctx context.Context, query, role string, page int) ([]domain.User, int, error) {
	roles := []domain.Role{domain.RoleStudent, domain.RoleSupervisor}
	switch role {
	case "":
	case string(domain.RoleStudent), string(domain.RoleSupervisor):
		roles = []domain.Role{domain.Role(role)}
	default:
		return nil, 0, domain.Invalid("role", "Search students or supervisors: role %q is not one of them.", role)
	}
	if page < 1 {
		page = 1
	}
	return s.Store.SearchUsers(ctx, store.UserFilter{Query: query, Roles: roles, Limit: PageSize, Offset: (page - 1) * PageSize})
}

// record notes a change of the board in the transaction q.
func (s *Service) record(ctx context.Context, q store.Queries, a Access, kind string, task int) error {
	_, err := q.AddActivity(ctx, domain.Activity{ProjectID: a.Project.ID, Kind: kind, Task: task, Actor: a.Viewer.ID, Created: s.now()})
	return err
}

// announce wakes the watchers of the project's board, after the change is
// committed. The change is saved whatever happens here: a lost
// announcement only delays the update until the next one.
func (s *Service) announce(ctx context.Context, a Access, err error) {
	if err == nil && s.Live != nil {
		s.Live.Notify(context.WithoutCancel(ctx), a.Project.ID)
	}
}

// LastActivity is the ID of the project's latest change.
func (s *Service) LastActivity(ctx context.Context, a Access) (int64, error) {
	if err := a.Require(domain.ViewBoard); err != nil {
		return 0, err
	}
	return s.Store.LastActivity(ctx, a.Project.ID)
}

// ActivityAfter lists the project's changes after the one with ID after.
func (s *Service) ActivityAfter(ctx context.Context, a Access, after int64) ([]domain.Activity, error) {
	if err := a.Require(domain.ViewBoard); err != nil {
		return nil, err
	}
	return s.Store.ActivityAfter(ctx, a.Project.ID, after, 500)
}
