package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

func (q queries) AddMember(ctx context.Context, m domain.Member) error {
	_, err := q.exec(ctx, `INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		m.ProjectID, m.User.ID, string(m.Role), m.Joined.UTC())
	if ce := (*store.ConflictError)(nil); err != nil && asConflict(err, &ce) {
		return fmt.Errorf("add member: %w", &store.ConflictError{Field: "member"})
	}
	if err != nil {
		return fmt.Errorf("add member %d to project %d: %w", m.User.ID, m.ProjectID, err)
	}
	return nil
}

func (q queries) RemoveMember(ctx context.Context, project, user int64) error {
	err := mustAffect(q.exec(ctx, `DELETE FROM project_members WHERE project_id = ? AND user_id = ?`, project, user))
	if err != nil {
		return fmt.Errorf("remove member %d from project %d: %w", user, project, err)
	}
	return nil
}

func (q queries) Members(ctx context.Context, project int64) ([]domain.Member, error) {
	rows, err := q.query(ctx, `SELECT m.role, m.joined_at, `+prefixed("u", userColumns)+`
		FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? ORDER BY m.role DESC, u.name, u.username`, project)
	if err != nil {
		return nil, fmt.Errorf("members of project %d: %w", project, err)
	}
	defer rows.Close()
	var ms []domain.Member
	for rows.Next() {
		m := domain.Member{ProjectID: project}
		var role string
		u, err := scanUserAfter(rows, &role, &m.Joined)
		if err != nil {
			return nil, fmt.Errorf("members of project %d: %w", project, err)
		}
		m.User, m.Role, m.Joined = u, domain.Role(role), m.Joined.UTC()
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

func (q queries) CountMembers(ctx context.Context, project int64) (int, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM project_members WHERE project_id = ?`, project).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members of project %d: %w", project, q.wrap(err))
	}
	return n, nil
}

func (q queries) AssignJudge(ctx context.Context, project, judge, by int64, at time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO project_judges (project_id, user_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)`,
		project, judge, by, at.UTC())
	if ce := (*store.ConflictError)(nil); err != nil && asConflict(err, &ce) {
		return fmt.Errorf("assign judge: %w", &store.ConflictError{Field: "judge"})
	}
	if err != nil {
		return fmt.Errorf("assign judge %d to project %d: %w", judge, project, err)
	}
	return nil
}

func (q queries) UnassignJudge(ctx context.Context, project, judge int64) error {
	err := mustAffect(q.exec(ctx, `DELETE FROM project_judges WHERE project_id = ? AND user_id = ?`, project, judge))
	if err != nil {
		return fmt.Errorf("unassign judge %d from project %d: %w", judge, project, err)
	}
	return nil
}

func (q queries) Judges(ctx context.Context, project int64) ([]domain.User, error) {
	rows, err := q.query(ctx, `SELECT `+prefixed("u", userColumns)+`
		FROM project_judges j JOIN users u ON u.id = j.user_id
		WHERE j.project_id = ? ORDER BY u.name, u.username`, project)
	if err != nil {
		return nil, fmt.Errorf("judges of project %d: %w", project, err)
	}
	defer rows.Close()
	var us []domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("judges of project %d: %w", project, err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}
