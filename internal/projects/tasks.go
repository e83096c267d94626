package projects

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// Board returns the project's tasks by number.
func (s *Service) Board(ctx context.Context, a Access) ([]domain.Task, error) {
	if err := a.Require(domain.ViewBoard); err != nil {
		return nil, err
	}
	return s.Store.Tasks(ctx, a.Project.ID)
}

// TaskPage is a task with its history and discussion.
type TaskPage struct {
	Task     domain.Task
	Events   []domain.TaskEvent
	Comments []*domain.Comment // a forest of threads
	Count    int               // comments in all
}

// Task returns task number of the project with its history and discussion.
func (s *Service) Task(ctx context.Context, a Access, number int) (TaskPage, error) {
	if err := a.Require(domain.ViewBoard); err != nil {
		return TaskPage{}, err
	}
	t, err := s.task(ctx, s.Store, a, number)
	if err != nil {
		return TaskPage{}, err
	}
	p := TaskPage{Task: t}
	if p.Events, err = s.Store.TaskEvents(ctx, t.ID); err != nil {
		return p, err
	}
	cs, err := s.Store.Comments(ctx, t.ID)
	if err != nil {
		return p, err
	}
	p.Comments, p.Count = domain.Thread(cs), len(cs)
	return p, nil
}

func (s *Service) task(ctx context.Context, q store.Queries, a Access, number int) (domain.Task, error) {
	t, err := q.TaskByNumber(ctx, a.Project.ID, number)
	if errors.Is(err, store.ErrNotFound) {
		return t, domain.NotFound("There is no task #%d in this project.", number)
	}
	return t, err
}

// assignee resolves a username to a student member of the project; an
// empty name unassigns.
func (s *Service) assignee(ctx context.Context, q store.Queries, a Access, username string) (*domain.User, error) {
	name := domain.NormalizeUsername(username)
	if name == "" {
		return nil, nil
	}
	notStudent := domain.Invalid("assignee", "%q is not a student member of this project: tasks are assigned to its students.", username)
	u, err := q.UserByUsername(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notStudent
	}
	if err != nil {
		return nil, err
	}
	_, role, _, err := q.ProjectAccess(ctx, a.Project.ID, u.ID)
	if err != nil {
		return nil, err
	}
	if role != domain.RoleStudent {
		return nil, notStudent
	}
	if u.Disabled {
		return nil, domain.Invalid("assignee", "The account of %s is disabled: assign the task to another student.", u.Username)
	}
	return &u, nil
}

// applyTask validates d and writes it into t.
func (s *Service) applyTask(ctx context.Context, q store.Queries, a Access, t *domain.Task, d domain.TaskDraft) error {
	if d.Name != nil {
		name := strings.TrimSpace(*d.Name)
		if name == "" {
			return domain.Invalid("name", "Give the task a name.")
		}
		if err := domain.ValidateLine("name", name, domain.MaxTaskName); err != nil {
			return err
		}
		t.Name = name
	}
	if d.Description != nil {
		desc := strings.TrimSpace(strings.ReplaceAll(*d.Description, "\r\n", "\n"))
		if err := domain.ValidateText("description", desc, domain.MaxDescription); err != nil {
			return err
		}
		t.Description = desc
	}
	if d.Assignee != nil {
		// Against a concurrent Leave of that student (which takes the same lock).
		if err := q.Lock(ctx, fmt.Sprintf("members:%d", a.Project.ID)); err != nil {
			return err
		}
		u, err := s.assignee(ctx, q, a, *d.Assignee)
		if err != nil {
			return err
		}
		t.Assignee = u
	}
	if d.Deadline != nil {
		t.Deadline = d.Deadline.UTC()
	}
	if d.Status != nil {
		t.Status = *d.Status
	}
	return nil
}

// CreateTask adds a task to the board, To do unless d says otherwise, with
// the project's next number.
func (s *Service) CreateTask(ctx context.Context, a Access, d domain.TaskDraft) (domain.Task, error) {
	if err := a.Require(domain.WriteTask); err != nil {
		return domain.Task{}, err
	}
	if d.Name == nil {
		d.Name = new(string)
	}
	t := domain.Task{ProjectID: a.Project.ID, CreatedBy: a.Viewer.ID, Status: domain.StatusTodo}
	err := s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := s.applyTask(ctx, q, a, &t, d); err != nil {
			return err
		}
		t.Created = s.now()
		t.Updated = t.Created
		var err error
		if t, err = q.CreateTask(ctx, t); err != nil {
			return err
		}
		if err := q.AddTaskEvent(ctx, domain.TaskEvent{TaskID: t.ID, Actor: *a.Viewer, At: t.Created, To: t.Status}); err != nil {
			return err
		}
		return s.record(ctx, q, a, "task", t.Number)
	})
	s.announce(ctx, a, err)
	return t, err
}

// EditTask applies d to task number, merged with what changed since the
// editor started from orig (see domain.TaskDraft.Merge). A non-zero version
// is a stricter check: if the task changed at all since, the edit is
// refused.
func (s *Service) EditTask(ctx context.Context, a Access, number int, d, orig domain.TaskDraft, version int) (domain.Task, error) {
	if err := a.Require(domain.WriteTask); err != nil {
		return domain.Task{}, err
	}
	var t domain.Task
	err := s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if t, err = s.task(ctx, q, a, number); err != nil {
			return err
		}
		if version != 0 && version != t.Version {
			return errStale
		}
		if d, err = d.Merge(orig, t); err != nil {
			return err
		}
		from := t.Status
		if err := s.applyTask(ctx, q, a, &t, d); err != nil {
			return err
		}
		t.Updated = s.now()
		if t, err = q.UpdateTask(ctx, t); errors.Is(err, store.ErrStale) {
			return errStale
		} else if err != nil {
			return err
		}
		if t.Status != from {
			if err := q.AddTaskEvent(ctx, domain.TaskEvent{TaskID: t.ID, Actor: *a.Viewer, At: t.Updated, From: from, To: t.Status}); err != nil {
				return err
			}
		}
		return s.record(ctx, q, a, "task", t.Number)
	})
	s.announce(ctx, a, err)
	return t, err
}

// MoveTask puts task number in column to, recording the change.
func (s *Service) MoveTask(ctx context.Context, a Access, number int, to domain.Status) (domain.Task, error) {
	if err := a.Require(domain.WriteTask); err != nil {
		return domain.Task{}, err
	}
	var t domain.Task
	err := s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if t, err = s.task(ctx, q, a, number); err != nil {
			return err
		}
		now := s.now()
		from, err := q.SetTaskStatus(ctx, t.ID, to, now)
		if err != nil || from == to {
			return err
		}
		t.Status, t.Updated = to, now
		if err := q.AddTaskEvent(ctx, domain.TaskEvent{TaskID: t.ID, Actor: *a.Viewer, At: now, From: from, To: to}); err != nil {
			return err
		}
		return s.record(ctx, q, a, "move", t.Number)
	})
	s.announce(ctx, a, err)
	return t, err
}

// Comment posts body on task number, as a reply to comment parent if not 0.
func (s *Service) Comment(ctx context.Context, a Access, number int, body string, parent int64) (domain.Comment, error) {
	if err := a.Require(domain.WriteTask); err != nil {
		return domain.Comment{}, err
	}
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return domain.Comment{}, domain.Invalid("content", "Write something before posting.")
	}
	if err := domain.ValidateText("content", body, domain.MaxComment); err != nil {
		return domain.Comment{}, err
	}
	t, err := s.task(ctx, s.Store, a, number)
	if err != nil {
		return domain.Comment{}, err
	}
	if parent != 0 {
		p, err := s.Store.CommentByID(ctx, parent)
		if errors.Is(err, store.ErrNotFound) || err == nil && p.TaskID != t.ID {
			return domain.Comment{}, domain.NotFound("There is no comment %d on task #%d to reply to.", parent, number)
		}
		if err != nil {
			return domain.Comment{}, err
		}
	}
	c := domain.Comment{TaskID: t.ID, Parent: parent, Author: *a.Viewer, Body: body, Created: s.now()}
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if c, err = q.CreateComment(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, q, a, "comment", number)
	})
	s.announce(ctx, a, err)
	if err != nil {
		return c, fmt.Errorf("post comment: %w", err)
	}
	return c, nil
}
