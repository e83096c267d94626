package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

func (q queries) AddEvaluation(ctx context.Context, e domain.Evaluation) (domain.Evaluation, error) {
	var task any
	if e.TaskID != 0 {
		task = e.TaskID
	}
	err := q.queryRow(ctx, `INSERT INTO evaluations (project_id, criterion, task_id, grader_id, grade, comment, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ProjectID, string(e.Criterion), task, e.Grader.ID, int64(e.Grade),
		e.Comment, e.Created.UTC()).Scan(&e.ID)
	if err != nil {
		return e, fmt.Errorf("record %s grade of project %d: %w", e.Criterion, e.ProjectID, q.wrap(err))
	}
	return e, nil
}

func (q queries) Evaluations(ctx context.Context, project int64) ([]domain.Evaluation, error) {
	rows, err := q.query(ctx, `SELECT e.id, e.criterion, e.task_id, e.grade, e.comment, e.created_at, u.id, u.username, u.name, u.role
		FROM evaluations e JOIN users u ON u.id = e.grader_id WHERE e.project_id = ? ORDER BY e.id`, project)
	if err != nil {
		return nil, fmt.Errorf("grades of project %d: %w", project, err)
	}
	defer rows.Close()
	var es []domain.Evaluation
	for rows.Next() {
		e := domain.Evaluation{ProjectID: project}
		var crit, role string
		var task sql.NullInt64
		var grade int64
		if err := rows.Scan(&e.ID, &crit, &task, &grade, &e.Comment, &e.Created, &e.Grader.ID, &e.Grader.Username,
			&e.Grader.Name, &role); err != nil {
			return nil, fmt.Errorf("grades of project %d: %w", project, err)
		}
		e.Criterion, e.TaskID, e.Grade, e.Created, e.Grader.Role = domain.Criterion(crit), task.Int64, domain.Grade(grade),
			e.Created.UTC(), domain.Role(role)
		es = append(es, e)
	}
	return es, rows.Err()
}

func (q queries) AddAdjustment(ctx context.Context, a domain.Adjustment) (domain.Adjustment, error) {
	err := q.queryRow(ctx, `INSERT INTO adjustments (project_id, student_id, delta, reason, by_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.ProjectID, a.Student.ID, int64(a.Delta), a.Reason, a.By.ID,
		a.Created.UTC()).Scan(&a.ID)
	if err != nil {
		return a, fmt.Errorf("record adjustment in project %d: %w", a.ProjectID, q.wrap(err))
	}
	return a, nil
}

func (q queries) Adjustments(ctx context.Context, project int64) ([]domain.Adjustment, error) {
	rows, err := q.query(ctx, `SELECT a.id, a.delta, a.reason, a.created_at, s.id, s.username, s.name, b.id, b.username, b.name
		FROM adjustments a JOIN users s ON s.id = a.student_id JOIN users b ON b.id = a.by_id
		WHERE a.project_id = ? ORDER BY a.id`, project)
	if err != nil {
		return nil, fmt.Errorf("adjustments of project %d: %w", project, err)
	}
	defer rows.Close()
	var as []domain.Adjustment
	for rows.Next() {
		a := domain.Adjustment{ProjectID: project}
		var delta int64
		if err := rows.Scan(&a.ID, &delta, &a.Reason, &a.Created, &a.Student.ID, &a.Student.Username, &a.Student.Name,
			&a.By.ID, &a.By.Username, &a.By.Name); err != nil {
			return nil, fmt.Errorf("adjustments of project %d: %w", project, err)
		}
		a.Delta, a.Created = domain.Grade(delta), a.Created.UTC()
		as = append(as, a)
	}
	return as, rows.Err()
}

func (q queries) PublishResults(ctx context.Context, project int64, at time.Time) error {
	if err := mustAffect(q.exec(ctx, `UPDATE projects SET published_at = ? WHERE id = ?`, at.UTC(), project)); err != nil {
		return fmt.Errorf("publish project %d: %w", project, err)
	}
	return nil
}
