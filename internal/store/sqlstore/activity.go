package sqlstore

import (
	"context"
	"fmt"

	"github.com/acanban/acanban/internal/domain"
)

// AddActivity takes, where transactions run side by side (PostgreSQL), a
// lock per project held until commit: IDs are then handed out in the order
// the transactions commit, so a stream that sent ID n never misses a
// change with a lower ID committed later. Record activity last in a
// transaction, after its other locks.
func (q queries) AddActivity(ctx context.Context, a domain.Activity) (domain.Activity, error) {
	if err := q.Lock(ctx, fmt.Sprintf("activity:%d", a.ProjectID)); err != nil {
		return a, err
	}
	err := q.queryRow(ctx, `INSERT INTO activity (project_id, kind, task_number, actor_id, created_at) VALUES (?, ?, ?, ?, ?)
		RETURNING id`, a.ProjectID, a.Kind, a.Task, a.Actor, a.Created.UTC()).Scan(&a.ID)
	if err != nil {
		return a, fmt.Errorf("record activity of project %d: %w", a.ProjectID, q.wrap(err))
	}
	return a, nil
}

func (q queries) ActivityAfter(ctx context.Context, project, after int64, limit int) ([]domain.Activity, error) {
	rows, err := q.query(ctx, `SELECT id, kind, task_number, actor_id, created_at FROM activity
		WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?`, project, after, limit)
	if err != nil {
		return nil, fmt.Errorf("activity of project %d: %w", project, err)
	}
	defer rows.Close()
	var as []domain.Activity
	for rows.Next() {
		a := domain.Activity{ProjectID: project}
		if err := rows.Scan(&a.ID, &a.Kind, &a.Task, &a.Actor, &a.Created); err != nil {
			return nil, fmt.Errorf("activity of project %d: %w", project, err)
		}
		a.Created = a.Created.UTC()
		as = append(as, a)
	}
	return as, rows.Err()
}

func (q queries) LastActivity(ctx context.Context, project int64) (int64, error) {
	var id int64
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM activity WHERE project_id = ?`, project).Scan(&id); err != nil {
		return 0, fmt.Errorf("last activity of project %d: %w", project, q.wrap(err))
	}
	return id, nil
}
