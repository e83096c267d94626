package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

const projectColumns = `p.id, p.name, p.description, p.department, p.created_by, p.created_at, p.updated_at, p.deadline, p.version, p.published_at`

func scanProject(r scanner, extra ...any) (domain.Project, error) {
	var p domain.Project
	err := r.Scan(append([]any{&p.ID, &p.Name, &p.Description, &p.Department, &p.CreatedBy, &p.Created, &p.Updated,
		timeOrZero{&p.Deadline}, &p.Version, timeOrZero{&p.Published}}, extra...)...)
	p.Created, p.Updated = p.Created.UTC(), p.Updated.UTC()
	return p, err
}

// projectSearch is what the project search matches.
func projectSearch(p domain.Project) string { return domain.Fold(p.Name + " " + p.Description) }

func (q queries) CreateProject(ctx context.Context, p domain.Project) (domain.Project, error) {
	p.Version = 1
	err := q.queryRow(ctx, `INSERT INTO projects
		(name, description, department, created_by, created_at, updated_at, deadline, version, search)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, p.Description, p.Department, p.CreatedBy, p.Created.UTC(), p.Updated.UTC(), nullTime(p.Deadline),
		p.Version, projectSearch(p)).Scan(&p.ID)
	if err != nil {
		return p, fmt.Errorf("create project: %w", q.wrap(err))
	}
	return p, nil
}

func (q queries) ProjectByID(ctx context.Context, id int64) (domain.Project, error) {
	p, err := scanProject(q.queryRow(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.id = ?`, id))
	if err != nil {
		return p, fmt.Errorf("project %d: %w", id, q.wrap(err))
	}
	return p, nil
}

func (q queries) ProjectAccess(ctx context.Context, id, user int64) (domain.Project, domain.Role, bool, error) {
	var role string
	var judge bool
	p, err := scanProject(q.queryRow(ctx, `SELECT `+projectColumns+`,
		COALESCE((SELECT m.role FROM project_members m WHERE m.project_id = p.id AND m.user_id = ?), ''),
		EXISTS (SELECT 1 FROM project_judges j WHERE j.project_id = p.id AND j.user_id = ?)
		FROM projects p WHERE p.id = ?`, user, user, id), &role, &judge)
	if err != nil {
		return p, "", false, fmt.Errorf("project %d: %w", id, q.wrap(err))
	}
	return p, domain.Role(role), judge, nil
}

func (q queries) UpdateProject(ctx context.Context, p domain.Project) (domain.Project, error) {
	err := q.queryRow(ctx, `UPDATE projects SET name = ?, description = ?, department = ?, deadline = ?,
		updated_at = ?, version = version + 1, search = ?
		WHERE id = ? AND version = ? RETURNING version`,
		p.Name, p.Description, p.Department, nullTime(p.Deadline), p.Updated.UTC(), projectSearch(p), p.ID, p.Version).Scan(&p.Version)
	if err = q.wrap(err); err == store.ErrNotFound {
		if _, gerr := q.ProjectByID(ctx, p.ID); gerr != nil {
			return p, gerr
		}
		err = store.ErrStale
	}
	if err != nil {
		return p, fmt.Errorf("update project %d: %w", p.ID, err)
	}
	return p, nil
}

// summaryColumns are a project's progress, as correlated subqueries that
// run only for the rows returned. Arguments: now, now.
const summaryColumns = `,
	(SELECT COUNT(*) FROM tasks t WHERE t.project_id = p.id),
	(SELECT COUNT(*) FROM tasks t WHERE t.project_id = p.id AND t.status = 'done'),
	(SELECT COUNT(*) FROM tasks t WHERE t.project_id = p.id AND t.status <> 'done' AND t.deadline < ?),
	(SELECT MIN(t.deadline) FROM tasks t WHERE t.project_id = p.id AND t.status <> 'done' AND t.deadline >= ?),
	(SELECT COUNT(*) FROM project_members m WHERE m.project_id = p.id),
	(SELECT COUNT(*) FROM tasks t WHERE t.project_id = p.id AND t.status = 'doing'),
	(SELECT MAX(x) FROM (
		SELECT MAX(t.updated_at) AS x FROM tasks t WHERE t.project_id = p.id
		UNION ALL SELECT MAX(c.created_at) FROM comments c JOIN tasks t ON t.id = c.task_id WHERE t.project_id = p.id
		UNION ALL SELECT MAX(f.created_at) FROM files f WHERE f.project_id = p.id
		UNION ALL SELECT MAX(e.created_at) FROM evaluations e WHERE e.project_id = p.id
		UNION ALL SELECT p.updated_at) AS activity)`

func scanSummary(r scanner, now time.Time) (domain.ProjectSummary, error) {
	var s domain.ProjectSummary
	var next time.Time
	p, err := scanProject(r, &s.Tasks, &s.Done, &s.Overdue, timeOrZero{&next}, &s.Members, &s.Doing, timeOrZero{&s.LastActivity})
	s.Project = p
	s.NextDeadline = next
	if !p.Deadline.IsZero() && !p.Deadline.Before(now) && (next.IsZero() || p.Deadline.Before(next)) {
		s.NextDeadline = p.Deadline
	}
	return s, err
}

func (q queries) ProjectSummary(ctx context.Context, id int64, now time.Time) (domain.ProjectSummary, error) {
	s, err := scanSummary(q.queryRow(ctx, `SELECT `+projectColumns+summaryColumns+` FROM projects p WHERE p.id = ?`,
		now.UTC(), now.UTC(), id), now)
	if err != nil {
		return s, fmt.Errorf("project %d: %w", id, q.wrap(err))
	}
	return s, nil
}

// visibleTo is the SQL form of domain.ViewProject for lists: members,
// assigned judges and the assistants of the project's department.
func visibleTo(u domain.User) (string, []any) {
	return `(EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ?)
		OR (? AND EXISTS (SELECT 1 FROM project_judges j WHERE j.project_id = p.id AND j.user_id = ?))
		OR (? AND p.department = ?))`,
		[]any{u.ID, u.Role == domain.RoleJudge, u.ID, u.Role == domain.RoleAssistant && u.Department != "", u.Department}
}

func (q queries) SearchProjects(ctx context.Context, f store.ProjectFilter) ([]domain.ProjectSummary, int, error) {
	where, args := visibleTo(f.Viewer)
	if f.Member != 0 {
		where += ` AND EXISTS (SELECT 1 FROM project_members mm WHERE mm.project_id = p.id AND mm.user_id = ?)`
		args = append(args, f.Member)
	}
	if f.Query != "" {
		cond, qargs := matchWords("p.search", f.Query)
		where += " AND " + cond
		args = append(args, qargs...)
	}
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM projects p WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search projects: %w", q.wrap(err))
	}
	if total == 0 {
		return nil, 0, nil
	}
	now := f.Now.UTC()
	all := append([]any{now, now}, args...)
	rows, err := q.query(ctx, `SELECT `+projectColumns+summaryColumns+` FROM projects p WHERE `+where+`
		ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`, append(all, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("search projects: %w", err)
	}
	defer rows.Close()
	var out []domain.ProjectSummary
	for rows.Next() {
		s, err := scanSummary(rows, now)
		if err != nil {
			return nil, 0, fmt.Errorf("search projects: %w", err)
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}
